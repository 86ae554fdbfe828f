"""Form-fill junk: leads whose web-form fields were typed to get past the form.

A sign-up with first name "test", last name "asdfgh", or "Acme" as first
name, last name and company is not a buyer. :func:`form_junk` gives each lead
the first of :data:`JUNK_REASONS` that applies, else :data:`CLEAN`.

Fields are compared after normalisation (Unicode NFKC, trimmed, case-folded,
accents removed, every run of characters other than letters and digits made
one space), so "Test", " TEST " and "test!" are the same value. Placeholders
("N/A", "Select", ...) are missing, not junk.

Rules
-----
test value
    A checked field (first, last, full name, company or one of ``others``)
    is one of :data:`TEST_VALUES` ("test test", "john doe", "lorem ipsum",
    ...), or is made only of :data:`TEST_WORDS` with digits and legal forms
    ("test", "Test123", "Test Inc", "Dummy GmbH"); "first last" together is
    checked too ("John" + "Doe"). An e-mail address is a test value when its
    local part is one of :data:`TEST_EMAIL_LOCAL_PARTS` or made of test
    words ("test123@", "noreply@") or its domain is one of
    :data:`TEST_EMAIL_DOMAINS`; an e-mail field without "@" ("asdf") is left
    to :func:`calibrate.signals.email.classify_email`, which calls it
    invalid, so one typo does not count twice. Not test values: "none" (a true answer to
    "company"), "bar" (a Hebrew first name and a surname), "abc" and "xyz"
    (company names, and typical identical fields), a single-letter local
    part ("j@acme.com" is how some founders write). Keyboard runs ("asdf",
    "qwerty", "aaaa") are keyboard mash, not test values, in name and
    company fields; as e-mail local parts ("asdf@") they are test values.
keyboard mash
    A first, last, full-name or company field holding a word that is a run
    of at least four keys along a row of a QWERTY, AZERTY or QWERTZ keyboard
    (:data:`KEYBOARD_ROWS`, either direction: "asdf", "jkl;", "lkjh";
    except the real names of :data:`MASH_NAMES`: "Reza", "Azer", "Ertz",
    "Wert", "Trew") or that holds such a run of five keys ("qwertyabc");
    or one character repeated three or more times as the whole field
    ("aaa", "xxxx"); or a word of five or more Latin letters without a vowel
    (a, e, i, o, u, y, accented ones included: "sdfgkl"), or of four or more
    with at most two different letters and no vowel ("jkjk"). Words in other
    scripts are never mash; "Nguyen", "Llwyd", "Krzysztof" have vowels.
identical fields
    First name equals last name, or at least two of first name, last name
    and company are present and every present one of them and of the full
    name is the same ("abc" / "abc" / "abc").
name equals company
    The company equals the first name, the last name, the full name,
    "first last" or "last first".

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"first": ["Jo", "Test", "Asdfgh", "Acme", "Jo"],
...                       "last": ["Smith", "Lead", "Smith", "Acme", "Smith"],
...                       "company": ["Acme", None, "Acme", "Acme", "Jo Smith"]})
>>> form_junk(frame, first_name="first", last_name="last", company="company").tolist()
['clean', 'test value', 'keyboard mash', 'identical fields', 'name equals company']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS, normalize_keys
from calibrate.signals.email import _by_distinct
from calibrate.signals.titles import _fold_all

__all__ = [
    "CLEAN",
    "JUNK_REASONS",
    "KEYBOARD_ROWS",
    "LEGAL_FORMS",
    "MASH_NAMES",
    "TEST_EMAIL_DOMAINS",
    "TEST_EMAIL_LOCAL_PARTS",
    "TEST_VALUES",
    "TEST_WORDS",
    "form_junk",
]

#: Why a lead is junk, in the order :func:`form_junk` checks them.
JUNK_REASONS: tuple[str, ...] = ("test value", "keyboard mash", "identical fields", "name equals company")
#: The answer of :func:`form_junk` for a lead with no junk.
CLEAN = "clean"

#: Whole field values (normalised) that are test entries.
TEST_VALUES: tuple[str, ...] = (
    "asd", "sample", "lorem", "ipsum", "lorem ipsum", "mickey mouse", "minnie mouse", "donald duck",
    "john doe", "jane doe", "max mustermann", "erika mustermann", "fulano", "fulano de tal", "blah", "bla",
    "bla bla", "blabla", "nobody", "noname", "no name", "your name", "first name", "last name", "company name",
    "your company", "abc123", "123", "1234", "12345", "123456",
)  # fmt: skip
#: Words that, with digits and legal forms only, make a test value ("Test", "Test123", "Test Inc").
TEST_WORDS: tuple[str, ...] = (
    "test", "tests", "testing", "testtest", "dummy", "fake", "foo", "foobar", "xxx",
)  # fmt: skip
#: Legal forms allowed next to test words ("Test GmbH").
LEGAL_FORMS: tuple[str, ...] = (
    "inc", "ltd", "llc", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "co", "corp",
    "company", "limited", "plc", "sl", "ltda", "oy", "ab",
)  # fmt: skip
#: E-mail local parts that are test entries (besides local parts made of test words).
TEST_EMAIL_LOCAL_PARTS: tuple[str, ...] = (
    "test", "testing", "tester", "asdf", "qwerty", "xxx", "fake", "dummy", "foo", "foobar", "sample", "example",
    "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "nobody",
)  # fmt: skip
#: E-mail domains reserved for examples or typed as junk.
TEST_EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net", "test.com", "test.de", "asdf.com")
#: Keyboard rows: QWERTY, AZERTY, QWERTZ (letters and the punctuation keys on the same row).
KEYBOARD_ROWS: tuple[str, ...] = (
    "qwertyuiop", "asdfghjkl;'", "zxcvbnm,./",
    "azertyuiop", "qsdfghjklm", "wxcvbn,;:!",
    "qwertzuiopü", "asdfghjklöä", "yxcvbnm,.-",
)  # fmt: skip
#: Real names that are four-key runs along a keyboard row.
MASH_NAMES: tuple[str, ...] = ("azer", "ertz", "reza", "trew", "wert")

_SEPARATORS = re.compile(r"[\W_]+")
_VOWELLESS = re.compile(r"(?<![^\W\d_])[bcdfghj-np-tv-xz]{5,}(?![^\W\d_])")
_TWO_CONSONANTS = re.compile(r"(?<![^\W\d_])([bcdfghj-np-tv-xz])([bcdfghj-np-tv-xz])(?:\1|\2){2,}(?![^\W\d_])")
_REPEATED = re.compile(r"^(\S)(?:\s*\1){2,}$")


def _row_runs(length: int, longer: bool) -> list[str]:
    runs = {
        row[i : i + n]
        for line in KEYBOARD_ROWS
        for row in (line, line[::-1])
        for n in (range(length, len(row) + 1) if longer else (length,))
        for i in range(len(row) - n + 1)
    }
    return sorted(runs - set(MASH_NAMES), key=lambda run: (-len(run), run))


# A whole word that is a run of four or more keys, or any word holding a run of five.
_ROW_WORD = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, _row_runs(4, longer=True))) + r")(?!\S)")
_ROW_INSIDE = re.compile("|".join(map(re.escape, _row_runs(5, longer=False))))
_ONE_ROW_FOUR = re.compile("|".join(f"[{re.escape(row)}]{{4}}" for row in KEYBOARD_ROWS))


def _test_pattern() -> re.Pattern[str]:
    words = "|".join(map(re.escape, TEST_WORDS))
    legal = "|".join(map(re.escape, LEGAL_FORMS))
    other = rf"(?:{legal}|\d+)"
    return re.compile(rf"^(?:{other} )*(?:{words})\d*(?: (?:(?:{words})\d*|{other}))*$")


_TEST_WORDS_ONLY = _test_pattern()


def _canonical(distinct: pd.Series) -> pd.Series:
    """Normalised keys folded further: no accents, one space between words; None if nothing is left."""
    folded = _fold_all(distinct).str.replace(_SEPARATORS, " ", regex=True).str.strip()
    return folded.where(folded != "", None)


def _flags(keys: pd.Series, predicate: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``predicate`` of each row's key, evaluated once per distinct key (False where missing)."""
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object), use_na_sentinel=True)
    if not len(uniques):
        return np.zeros(len(keys), dtype=bool)
    answers = predicate(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return np.append(answers.fillna(False).to_numpy(dtype=bool), False)[codes]


def _is_test_text(canon: pd.Series) -> pd.Series:
    return canon.isin(TEST_VALUES) | canon.str.match(_TEST_WORDS_ONLY).fillna(False).astype(bool)


def _is_test_email(keys: pd.Series) -> pd.Series:
    parts = keys.str.rpartition("@")
    local, domain = parts[0], parts[2].str.strip(" .<>")
    has_at = parts[1] == "@"
    local_canon = _canonical(local).fillna("")
    test_local = local.isin(TEST_EMAIL_LOCAL_PARTS) | local_canon.str.match(_TEST_WORDS_ONLY).astype(bool)
    # An address without "@" is already "invalid" to classify_email; junk looks at real addresses only.
    return has_at & (test_local | domain.isin(TEST_EMAIL_DOMAINS))


def _is_mash(keys: pd.Series) -> pd.Series:
    folded = _fold_all(keys)
    mash = (
        keys.str.match(_REPEATED) | folded.str.contains(_VOWELLESS) | folded.str.extract(_TWO_CONSONANTS)[0].notna()
    ).astype(bool)
    # The long alternations of row runs only for values with four keys of one row in a row (a cheap test).
    rows = keys.str.contains(_ONE_ROW_FOUR)
    if rows.any():
        candidates = keys[rows]
        mash[rows] |= (candidates.str.contains(_ROW_WORD) | candidates.str.contains(_ROW_INSIDE)).astype(bool)
    return mash


def form_junk(
    frame: pd.DataFrame,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    name: str | None = None,
    company: str | None = None,
    email: str | None = None,
    others: Sequence[str] = (),
    placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
) -> pd.Series:
    """The junk reason of each lead, from the fields of its web form.

    Parameters
    ----------
    frame : pandas.DataFrame
        The leads.
    first_name, last_name, name, company, email : str or None
        The columns holding the first name, last name, full name, company
        name and e-mail address; ``None`` for fields the form does not have.
    others : sequence of str
        Further columns checked for test values only (a phone number, a
        job title).
    placeholders : sequence of str
        Values meaning "left blank": missing, never junk.

    Returns
    -------
    pandas.Series
        Object dtype, same index: the first of :data:`JUNK_REASONS` that
        applies (rules in the module docstring), else :data:`CLEAN`; never
        missing (a lead with all these fields blank is clean).

    Raises
    ------
    KeyError
        A named column is not in the frame.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"name": ["Mickey Mouse", "Jo Smith", "jjjj"],
    ...                       "email": ["m@acme.com", "test@acme.com", None]})
    >>> form_junk(frame, name="name", email="email").tolist()
    ['test value', 'test value', 'keyboard mash']
    """
    missing = [c for c in (first_name, last_name, name, company, email, *others) if c is not None and c not in frame]
    if missing:
        raise KeyError(f"column(s) {missing} not in the frame")
    n = len(frame)
    people = {"first": first_name, "last": last_name, "name": name, "company": company}
    keys = {role: normalize_keys(frame[column], placeholders) for role, column in people.items() if column}
    canon = {role: _by_distinct(k, _canonical, frame.index).to_numpy(dtype=object) for role, k in keys.items()}
    absent = np.full(n, None, dtype=object)
    first, last, full, firm = (canon.get(role, absent) for role in people)

    test = np.zeros(n, dtype=bool)
    for values in canon.values():
        test |= _flags(pd.Series(values, dtype=object), _is_test_text)
    for column in others:
        test |= _flags(_by_distinct(normalize_keys(frame[column], placeholders), _canonical, frame.index),
                       _is_test_text)
    if email:
        test |= _flags(normalize_keys(frame[email], placeholders), _is_test_email)
    has_first, has_last = pd.notna(first), pd.notna(last)
    both = has_first & has_last
    first_last = np.full(n, None, dtype=object)
    last_first = np.full(n, None, dtype=object)
    if both.any():
        first_last[both] = pd.Series(first[both], dtype=object) + " " + pd.Series(last[both], dtype=object)
        last_first[both] = pd.Series(last[both], dtype=object) + " " + pd.Series(first[both], dtype=object)
        test |= _flags(pd.Series(first_last, dtype=object), _is_test_text)

    mash = np.zeros(n, dtype=bool)
    for k in keys.values():
        mash |= _flags(k, _is_mash)

    def same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return pd.notna(a) & pd.notna(b) & (a == b)

    n_present = pd.notna(first).astype(int) + pd.notna(last).astype(int) + pd.notna(firm).astype(int)
    reference = np.where(pd.notna(first), first, np.where(pd.notna(last), last, firm))
    all_equal = np.ones(n, dtype=bool)
    for values in (first, last, firm, full):
        all_equal &= pd.isna(values) | (values == reference)
    identical = same(first, last) | ((n_present >= 2) & all_equal)

    name_company = np.zeros(n, dtype=bool)
    for values in (first, last, full, first_last, last_first):
        name_company |= same(values, firm)

    reasons = np.select([test, mash, identical, name_company], list(JUNK_REASONS), CLEAN).astype(object)
    return pd.Series(reasons, index=frame.index, dtype=object)
