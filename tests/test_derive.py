"""derive_signals' e-mail and job-title columns, checked against the public per-column functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

from calibrate.derive import JUNK_FILTER, SignalRecipe, _text_signals_only, derive_signals, junk_mask
from calibrate.signals.email import DOMAIN_TYPES, classify_email
from calibrate.signals.titles import ROLES, SENIORITY, title_role, title_seniority

MESSY = ["jo@acme.com", " Jo@Acme.COM ", "Jo Doe <jo@acme.de>", "x@gmail.com", "a@sub.mailinator.com", "asdf",
         "", "   ", None, np.nan, pd.NA, "Select", " N/A ", "-", "unknown", "a@b@c.com", "jo@", "jürgen@müller.de",
         "42", "CEO", "Co-Founder & CEO", " vp sales ", "Werkstudent", "Stagiaire", "Arbeitslos",
         "Geschäftsführer", "ｃｅｏ", "Partner Manager", "Assistant to the CEO"]
PLACEHOLDERS = ("", "select", "n/a", "asdf")
RECIPES = [SignalRecipe(email="e"), SignalRecipe(title="t"), SignalRecipe(email="e", title="t"),
           SignalRecipe(email="e", title="e", junk_filter=JUNK_FILTER)]


def messy_column(kind: str, n: int, seed: int) -> pd.Series:
    """``n`` messy values (blanks, placeholders, None, NaN, NA, odd text) in the storage ``kind``."""
    values = [MESSY[i] for i in np.random.default_rng(seed).integers(0, len(MESSY), n)]
    text = [v if isinstance(v, str) else None for v in values]
    if kind == "object":
        return pd.Series(values, dtype=object)
    if kind == "category":
        return pd.Series(pd.Categorical(text))
    if kind == "arrow":
        return pd.Series(text, dtype=pd.ArrowDtype(pa.string()))
    if kind == "missing":
        return pd.Series([None, np.nan, pd.NA] * (n // 3) + [None] * (n % 3), dtype=object)
    return pd.Series(text, dtype=kind)  # "str", "string[pyarrow]"


def per_column_functions(frame: pd.DataFrame, recipe: SignalRecipe, placeholders: tuple[str, ...]) -> pd.DataFrame:
    """The reference: each column from its public function, put in a frame as values (pandas infers the dtype)."""
    columns = {}
    if recipe.email:
        columns["email.domain_type"] = classify_email(frame[recipe.email], placeholders=placeholders)
    if recipe.title:  # titles take the default placeholders
        columns["title.role"] = title_role(frame[recipe.title])
        columns["title.seniority"] = title_seniority(frame[recipe.title])
    return pd.DataFrame({name: values.to_numpy() for name, values in columns.items()}, index=frame.index)


@pytest.mark.parametrize(("kind", "n"), [(kind, n) for kind in ("object", "str", "string[pyarrow]", "arrow",
                                                                 "category", "missing")
                                          for n in (0, 1, 500, 270_000) if n < 270_000 or kind in ("object", "str")])
@pytest.mark.parametrize("repeated_labels", [False, True])
def test_text_columns_are_those_of_the_per_column_functions(kind: str, n: int, repeated_labels: bool) -> None:
    """Values, dtypes (Arrow text, or objects when no value is text), index and junk flags as the public
    functions give. 270,000 rows: Arrow text is then looked up among the values of its first rows."""
    frame = pd.DataFrame({"e": messy_column(kind, n, 1).array, "t": messy_column(kind, n, 2).array,
                          "x": np.arange(n)})
    frame.index = np.arange(n) // 2 if repeated_labels else np.arange(n)[::-1] * 3
    for recipe in RECIPES:
        derived = derive_signals(frame, recipe, placeholders=PLACEHOLDERS)
        expected = per_column_functions(frame, recipe, PLACEHOLDERS)
        assert_frame_equal(derived.frame, expected, check_dtype=True, check_index_type=True)
        assert [type(derived.frame[c].array) for c in expected] == [type(expected[c].array) for c in expected]
        assert (derived.junk == junk_mask(expected, recipe)).all()
    if kind == "object" and n >= 500:  # the check has something to find
        assert (derived.frame["email.domain_type"] == "disposable").any() and derived.junk.any()


@pytest.mark.parametrize("kind", ["object", "str", "category", "missing"])
def test_categorical_text_holds_the_values_of_the_text_columns(kind: str) -> None:
    """categorical_text=True: the same values as the text columns (missing where they are), as categoricals over
    each signal's whole vocabulary, so that the columns of two chunks concatenate as categoricals."""
    frame = pd.DataFrame({"e": messy_column(kind, 600, 5).array, "t": messy_column(kind, 600, 6).array})
    vocabulary = {"email.domain_type": DOMAIN_TYPES, "title.role": ROLES, "title.seniority": SENIORITY}
    for recipe in RECIPES:
        text = derive_signals(frame, recipe, placeholders=PLACEHOLDERS)
        coded = derive_signals(frame, recipe, placeholders=PLACEHOLDERS, categorical_text=True)
        assert list(coded.frame.columns) == list(text.frame.columns)
        for column in text.frame.columns:
            assert list(coded.frame[column].cat.categories) == list(vocabulary[column])
            assert coded.frame[column].astype(object).where(coded.frame[column].notna(), None).tolist() == \
                text.frame[column].astype(object).where(text.frame[column].notna(), None).tolist()
        assert (coded.junk == text.junk).all()
    halves = pd.concat([coded.frame.iloc[:300], coded.frame.iloc[300:]])
    assert all(isinstance(halves[c].dtype, pd.CategoricalDtype) for c in halves.columns)


def test_text_columns_sit_among_the_other_derived_columns() -> None:
    """With form and account signals too: the text columns are the public functions', in the recipe's order."""
    frame = pd.DataFrame({"e": messy_column("object", 300, 3), "t": messy_column("str", 300, 4).array})
    recipe = SignalRecipe(email="e", title="t", form={"name": "t", "email": "e"}, account_email="e")
    derived = derive_signals(frame, recipe, placeholders=PLACEHOLDERS).frame
    assert list(derived.columns) == list(recipe.outputs)
    text = list(per_column_functions(frame, recipe, PLACEHOLDERS).columns)
    assert_frame_equal(derived[text], per_column_functions(frame, recipe, PLACEHOLDERS))


def test_text_signals_only_when_derive_signals_derives_text_alone_without_error() -> None:
    """What lets a scorer derive the signals on a thread of its own: only e-mail and title signals, and none
    of the errors derive_signals raises (missing input, output already there, repeated column label)."""
    frame = pd.DataFrame({"e": ["jo@acme.com"], "t": ["CEO"], "d": ["2024-01-01"]})
    for recipe in RECIPES:
        assert _text_signals_only(frame, recipe)
    assert _text_signals_only(frame, SignalRecipe(email="e", as_of_date="2024-01-01"))
    for recipe in [SignalRecipe(email="e", account_email="e"), SignalRecipe(email="e", form={"email": "e"}),
                   SignalRecipe(email="e", as_of_column="d"), SignalRecipe(email="missing"),
                   SignalRecipe(email="e", id_column="d", activity_types=("web",))]:
        assert not _text_signals_only(frame, recipe)
    assert not _text_signals_only(frame.assign(**{"title.role": 1}), SignalRecipe(title="t"))
    assert not _text_signals_only(pd.concat([frame, frame[["e"]]], axis=1), SignalRecipe(email="e"))
