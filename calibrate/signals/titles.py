"""Job titles: the role (student, intern, job seeker, employed) and seniority of a lead.

Titles are matched by keyword, in English and the common German, French,
Spanish, Portuguese, Italian and Dutch forms. A title is normalised first:
case-folded, accents removed ("Geschäftsführer" -> "geschaftsfuhrer"), and
every run of characters other than letters and digits (spaces, hyphens,
apostrophes, slashes, commas) made a single space, so "Co-Founder",
"co founder" and "CO_FOUNDER" read the same.

Keyword syntax
--------------
A keyword is one or more words, matched as whole words of the normalised
title; keywords are normalised the same way, so they are written here with
their accents and hyphens.

* ``*`` before a word: the word may end a longer word (a German compound:
  ``*leiter`` matches "Vertriebsleiter");
* ``*`` after a word: the word may go on (an ending: ``praktikant*`` matches
  "Praktikantin");
* ``...`` between words: up to three other words in between ("looking for
  ... job" matches "looking for a new job");
* ``^`` / ``$``: the keyword must start / end the title ("^partner$" is only
  the title "Partner", not "Partner Manager").

Exclusions are removed from a title before a level's keywords are looked for:
"vice president" cannot make a title C-level through "president", "product
owner" is not an owner, "assistant to the CEO" is not the CEO.

Decisions
---------
* Role precedence: intern > student > job seeker > employed ("working
  student" and "Werkstudent" are interns). A title that also names a manager
  or higher seniority ("Director of Student Affairs", "Internship Program
  Manager") is employed, not a student or intern; a job-seeker keyword is not
  overridden ("Ex-CEO, open to work" is a job seeker).
* Seniority precedence from the top: C-level > VP > director > manager >
  individual ("VP of Sales and Director" is VP). Students, interns and job
  seekers without a seniority keyword are "individual".
* "General manager" (and gerente general, gérant) is C-level: in the small
  and mid-sized companies that fill most lead lists the general manager runs
  the company. "Managing director", "directeur général", "director general",
  "diretor executivo", "amministratore delegato" and "Vorstand" are C-level.
* "Chief ... officer" and "chief executive" are C-level; "chief" alone is not
  ("Chief Engineer", "Chief of Staff").
* "Partner" is C-level only as the whole title or as managing, founding,
  senior, equity or general partner ("Partner Manager" is a manager).
* "Head of" is VP. "Executive director" is a director.
* German "Leiter" heading a function ("Leiter Vertrieb", "Vertriebsleiter",
  "Bereichsleiter", "Abteilungsleiter", "Leitung Marketing") is director;
  team-level Leiter (Teamleiter, Gruppenleiter, Projektleiter, Schichtleiter,
  Filialleiter, Bauleiter, Lagerleiter) is manager.
* "Lead" / "team lead" / "supervisor" are manager; "lead generation" is
  not. "Coordinator" is individual (it rarely means managing people).

Keywords
--------
Roles:

intern
    en: intern, interns, internship*, trainee*, apprentice*, working student, co-op student, summer associate
    de: *praktikant*, *praktikum, *werkstudent*, auszubildende*, azubi, volontär*, lehrling
    fr: stagiaire*, alternant*, en alternance, apprenti, apprentie, en stage, stage de fin
    es: becario, becaria, pasante, practicante, en prácticas, aprendiz
    pt: estagiário, estagiária, estágio, jovem aprendiz
    it: tirocinante, stagista, tirocinio, apprendista
    nl: stagiair*, afstudeerder, werkstudent
student
    en: student, students, *student, undergraduate*, undergrad, graduate student, phd student, phd candidate,
    doctoral student, doctoral candidate, mba student, mba candidate, pupil, high school, freshman, sophomore
    de: studentin, *studentin, studierende*, schüler, schülerin, doktorand, doktorandin
    fr: étudiant*, élève, doctorant*, lycéen*
    es: estudiante*, alumno, alumna, doctorando, doctoranda
    pt: estudante*, aluno, aluna, doutorando, doutoranda, mestrando, mestranda, graduando, graduanda
    it: studente, studentessa, studenti, dottorando, dottoranda, laureando*
    nl: studente, scholier, promovendus, leerling
job seeker
    en: job seeker*, jobseeker*, job hunting, job hunter, job search*, looking for ... work, looking for ... job*,
    looking for ... opportunit*, looking for ... role*, looking for ... position*, seeking ... opportunit*,
    seeking ... employment, seeking ... work, seeking ... job*, seeking ... role*, open to work,
    open to ... opportunit*, unemployed, between jobs, career break, not employed, not working, fresher,
    recent graduate, recent grad, fresh graduate
    de: arbeitslos*, arbeitsuchend*, arbeitssuchend*, jobsuchend*, auf jobsuche, stellensuchend*,
    auf stellensuche, erwerbslos*, auf der suche nach ... job*, auf der suche nach ... stelle*
    fr: demandeur d'emploi, demandeuse d'emploi, recherche d'emploi, sans emploi, recherche de poste,
    à la recherche d'un ... emploi, à la recherche d'un ... poste, chômeur, chômeuse, au chômage
    es: desempleado, desempleada, desocupado, desocupada, en paro, parado, sin empleo, buscando empleo,
    buscando trabajo, búsqueda de empleo, buscando ... oportunidad*
    pt: desempregado, desempregada, sem emprego, procurando emprego, à procura de emprego, em busca de emprego,
    em busca de ... oportunidade*, buscando emprego
    it: disoccupato, disoccupata, inoccupato, inoccupata, in cerca di ... lavoro, alla ricerca di ... lavoro,
    in cerca di occupazione, senza lavoro
    nl: werkzoekend*, werkloos, werkloze, op zoek naar ... werk, op zoek naar ... baan, zonder werk, zonder baan

Seniority:

C-level
    en: ceo, cfo, cto, coo, cmo, cio, ciso, cro, cpo, cdo, cso, cco, chro, cxo, chief ... officer,
    chief executive, founder*, co-founder*, cofounder*, owner*, co-owner*, proprietor, president*, chairman,
    chairwoman, chairperson, managing director, general manager, managing partner, founding partner,
    senior partner, equity partner, general partner, ^partner$
    de: *geschäftsführer*, geschaeftsfuehrer*, geschäftsführung, vorstand, *vorstand, vorstandsvorsitzende*,
    vorstandsmitglied, inhaber*, mitinhaber*, gründer*, mitgründer*, eigentümer*, präsident*
    fr: pdg, p-dg, dg, directeur général, directrice générale, fondateur, fondatrice, cofondateur,
    cofondatrice, co-fondateur, co-fondatrice, gérant*, propriétaire, président*
    es: director general, directora general, director ejecutivo, directora ejecutiva, consejero delegado,
    consejera delegada, gerente general, fundador*, cofundador*, dueño, dueña, propietario*, presidente*
    pt: diretor geral, diretora geral, diretor executivo, diretora executiva, diretor-presidente, gerente geral,
    sócio-fundador, sócio-diretor, fundador*, proprietário*, dono
    it: amministratore delegato, direttore generale, direttrice generale, fondatore, fondatrice, cofondatore,
    titolare, proprietario, socio fondatore
    nl: algemeen directeur, oprichter, medeoprichter, mede-oprichter, eigenaar*, bestuursvoorzitter,
    voorzitter, dga
VP
    en: vp, svp, evp, avp, vice president*, senior vice president, head of
    de: vizepräsident*
    fr: vice-président*
    es: vicepresidente*
    pt: vice-presidente*
    it: vicepresidente*, vice presidente
    nl: vicepresident*, hoofd
director
    en: director, directors, executive director
    de: direktor*, *direktor, *direktorin, leiter, leiterin, leitung, *leiter, *leiterin, *leitung,
    bereichsleiter*, abteilungsleiter*
    fr: directeur*, directrice*
    es: directora, directoras, directores
    pt: diretor, diretora, diretores
    it: direttore, direttrice
    nl: afdelingshoofd
manager
    en: manager*, mgr, supervisor*, lead, leader, team lead, tech lead, foreman
    de: teamleiter*, gruppenleiter*, projektleiter*, schichtleiter*, filialleiter*, bauleiter*, lagerleiter*,
    teamleitung, projektleitung, gruppenleitung
    fr: responsable, chef d*, superviseur
    es: gerente, jefe, jefa, encargado, encargada, supervisora
    pt: gestor, gestora, chefe, encarregado, encarregada, responsável
    it: responsabile, capo, caporeparto, capoufficio, capoprogetto, capoarea
    nl: teamleider*, *leider, leidinggevende

Exclusions (removed before the level's keywords are matched): for every level
"assistant to ...", "assistant of ...", "assistant* de ...", "assistent* der
...", "assistent* des ...", "asistente de ...", "assistente d* ...",
"assistenz der ..."; for C-level "vice president*", "vice chair*", "product
owner*", "process owner*", "account owner*", "data owner*" and the
conversion-rate "cro analyst*", "cro consultant*", "cro expert*", "cro lead*",
"cro manager*", "cro specialist*", "cro strategist*"; for director the team-level Leiter of the
manager level ("teamleiter*", "gruppenleiter*", "projektleiter*",
"schichtleiter*", "filialleiter*", "bauleiter*", "lagerleiter*",
"teamleitung", "projektleitung", "gruppenleitung") and "*begleiter*"; for
manager "lead gen*", "lead nurtur*", "lead qualif*", "lead scor*",
"*begleiter*".

Examples
--------
>>> import pandas as pd
>>> titles = pd.Series(["VP of Sales", "Geschäftsführer", "Werkstudentin", "Étudiant", "Data Analyst", "N/A"])
>>> title_seniority(titles).tolist()
['VP', 'C-level', 'individual', 'individual', 'individual', None]
>>> title_role(titles).tolist()
['employed', 'employed', 'intern', 'student', 'employed', None]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import cache

import numpy as np
import pandas as pd

from calibrate.cleaning import DEFAULT_PLACEHOLDERS
from calibrate.signals.email import _by_distinct, _distinct_answers, _per_value

__all__ = [
    "COMMON_EXCLUSIONS",
    "C_LEVEL_EXCLUSIONS",
    "C_LEVEL_KEYWORDS",
    "DIRECTOR_EXCLUSIONS",
    "DIRECTOR_KEYWORDS",
    "INTERN_KEYWORDS",
    "JOB_SEEKER_KEYWORDS",
    "MANAGER_EXCLUSIONS",
    "MANAGER_KEYWORDS",
    "ROLES",
    "SENIORITY",
    "STUDENT_KEYWORDS",
    "VP_KEYWORDS",
    "normalize_title",
    "title_role",
    "title_seniority",
]

#: Roles of :func:`title_role`, in order of precedence ("employed": none of the others).
ROLES: tuple[str, ...] = ("student", "intern", "job seeker", "employed")
#: Seniority levels of :func:`title_seniority`, from the top.
SENIORITY: tuple[str, ...] = ("C-level", "VP", "director", "manager", "individual")

#: Keywords per language (``en``, ``de``, ``fr``, ``es``, ``pt``, ``it``, ``nl``); syntax in the module docstring.
INTERN_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("intern", "interns", "internship*", "trainee*", "apprentice*", "working student", "co-op student",
           "summer associate"),
    "de": ("*praktikant*", "*praktikum", "*werkstudent*", "auszubildende*", "azubi", "volontär*", "lehrling"),
    "fr": ("stagiaire*", "alternant*", "en alternance", "apprenti", "apprentie", "en stage", "stage de fin"),
    "es": ("becario", "becaria", "pasante", "practicante", "en prácticas", "aprendiz"),
    "pt": ("estagiário", "estagiária", "estágio", "jovem aprendiz"),
    "it": ("tirocinante", "stagista", "tirocinio", "apprendista"),
    "nl": ("stagiair*", "afstudeerder", "werkstudent"),
}  # fmt: skip
STUDENT_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("student", "students", "*student", "undergraduate*", "undergrad", "graduate student", "phd student",
           "phd candidate", "doctoral student", "doctoral candidate", "mba student", "mba candidate", "pupil",
           "high school", "freshman", "sophomore"),
    "de": ("studentin", "*studentin", "studierende*", "schüler", "schülerin", "doktorand", "doktorandin"),
    "fr": ("étudiant*", "élève", "doctorant*", "lycéen*"),
    "es": ("estudiante*", "alumno", "alumna", "doctorando", "doctoranda"),
    "pt": ("estudante*", "aluno", "aluna", "doutorando", "doutoranda", "mestrando", "mestranda", "graduando",
           "graduanda"),
    "it": ("studente", "studentessa", "studenti", "dottorando", "dottoranda", "laureando*"),
    "nl": ("studente", "scholier", "promovendus", "leerling"),
}  # fmt: skip
JOB_SEEKER_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("job seeker*", "jobseeker*", "job hunting", "job hunter", "job search*", "looking for ... work",
           "looking for ... job*", "looking for ... opportunit*", "looking for ... role*",
           "looking for ... position*", "seeking ... opportunit*", "seeking ... employment", "seeking ... work",
           "seeking ... job*", "seeking ... role*", "open to work", "open to ... opportunit*", "unemployed",
           "between jobs", "career break", "not employed", "not working", "fresher", "recent graduate",
           "recent grad", "fresh graduate"),
    "de": ("arbeitslos*", "arbeitsuchend*", "arbeitssuchend*", "jobsuchend*", "auf jobsuche", "stellensuchend*",
           "auf stellensuche", "erwerbslos*", "auf der suche nach ... job*", "auf der suche nach ... stelle*"),
    "fr": ("demandeur d'emploi", "demandeuse d'emploi", "recherche d'emploi", "sans emploi", "recherche de poste",
           "à la recherche d'un ... emploi", "à la recherche d'un ... poste", "chômeur", "chômeuse",
           "au chômage"),
    "es": ("desempleado", "desempleada", "desocupado", "desocupada", "en paro", "parado", "sin empleo",
           "buscando empleo", "buscando trabajo", "búsqueda de empleo", "buscando ... oportunidad*"),
    "pt": ("desempregado", "desempregada", "sem emprego", "procurando emprego", "à procura de emprego",
           "em busca de emprego", "em busca de ... oportunidade*", "buscando emprego"),
    "it": ("disoccupato", "disoccupata", "inoccupato", "inoccupata", "in cerca di ... lavoro",
           "alla ricerca di ... lavoro", "in cerca di occupazione", "senza lavoro"),
    "nl": ("werkzoekend*", "werkloos", "werkloze", "op zoek naar ... werk", "op zoek naar ... baan",
           "zonder werk", "zonder baan"),
}  # fmt: skip
C_LEVEL_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("ceo", "cfo", "cto", "coo", "cmo", "cio", "ciso", "cro", "cpo", "cdo", "cso", "cco", "chro", "cxo",
           "chief ... officer", "chief executive", "founder*", "co-founder*", "cofounder*", "owner*", "co-owner*",
           "proprietor", "president*", "chairman", "chairwoman", "chairperson", "managing director",
           "general manager", "managing partner", "founding partner", "senior partner", "equity partner",
           "general partner", "^partner$"),
    "de": ("*geschäftsführer*", "geschaeftsfuehrer*", "geschäftsführung", "vorstand", "*vorstand",
           "vorstandsvorsitzende*", "vorstandsmitglied", "inhaber*", "mitinhaber*", "gründer*", "mitgründer*",
           "eigentümer*", "präsident*"),
    "fr": ("pdg", "p-dg", "dg", "directeur général", "directrice générale", "fondateur", "fondatrice",
           "cofondateur", "cofondatrice", "co-fondateur", "co-fondatrice", "gérant*", "propriétaire",
           "président*"),
    "es": ("director general", "directora general", "director ejecutivo", "directora ejecutiva",
           "consejero delegado", "consejera delegada", "gerente general", "fundador*", "cofundador*", "dueño",
           "dueña", "propietario*", "presidente*"),
    "pt": ("diretor geral", "diretora geral", "diretor executivo", "diretora executiva", "diretor-presidente",
           "gerente geral", "sócio-fundador", "sócio-diretor", "fundador*", "proprietário*", "dono"),
    "it": ("amministratore delegato", "direttore generale", "direttrice generale", "fondatore", "fondatrice",
           "cofondatore", "titolare", "proprietario", "socio fondatore"),
    "nl": ("algemeen directeur", "oprichter", "medeoprichter", "mede-oprichter", "eigenaar*", "bestuursvoorzitter",
           "voorzitter", "dga"),
}  # fmt: skip
VP_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("vp", "svp", "evp", "avp", "vice president*", "senior vice president", "head of"),
    "de": ("vizepräsident*",),
    "fr": ("vice-président*",),
    "es": ("vicepresidente*",),
    "pt": ("vice-presidente*",),
    "it": ("vicepresidente*", "vice presidente"),
    "nl": ("vicepresident*", "hoofd"),
}
DIRECTOR_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("director", "directors", "executive director"),
    "de": ("direktor*", "*direktor", "*direktorin", "leiter", "leiterin", "leitung", "*leiter", "*leiterin",
           "*leitung", "bereichsleiter*", "abteilungsleiter*"),
    "fr": ("directeur*", "directrice*"),
    "es": ("directora", "directoras", "directores"),
    "pt": ("diretor", "diretora", "diretores"),
    "it": ("direttore", "direttrice"),
    "nl": ("afdelingshoofd",),
}  # fmt: skip
_TEAM_LEITER: tuple[str, ...] = (
    "teamleiter*", "gruppenleiter*", "projektleiter*", "schichtleiter*", "filialleiter*", "bauleiter*",
    "lagerleiter*", "teamleitung", "projektleitung", "gruppenleitung",
)  # fmt: skip
MANAGER_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("manager*", "mgr", "supervisor*", "lead", "leader", "team lead", "tech lead", "foreman"),
    "de": _TEAM_LEITER,
    "fr": ("responsable", "chef d*", "superviseur"),
    "es": ("gerente", "jefe", "jefa", "encargado", "encargada", "supervisora"),
    "pt": ("gestor", "gestora", "chefe", "encarregado", "encarregada", "responsável"),
    "it": ("responsabile", "capo", "caporeparto", "capoufficio", "capoprogetto", "capoarea"),
    "nl": ("teamleider*", "*leider", "leidinggevende"),
}  # fmt: skip

#: Removed from every title before any seniority keyword is matched.
COMMON_EXCLUSIONS: tuple[str, ...] = (
    "assistant to ...", "assistant of ...", "assistant* de ...", "assistent* der ...", "assistent* des ...",
    "asistente de ...", "assistente d* ...", "assistenz der ...",
)  # fmt: skip
#: Removed before the C-level keywords are matched.
C_LEVEL_EXCLUSIONS: tuple[str, ...] = (
    "vice president*", "vice chair*", "product owner*", "process owner*", "account owner*", "data owner*",
    # CRO also stands for conversion-rate optimisation.
    "cro analyst*", "cro consultant*", "cro expert*", "cro lead*", "cro manager*", "cro specialist*",
    "cro strategist*",
)  # fmt: skip
#: Removed before the director keywords are matched (team-level Leiter are managers).
DIRECTOR_EXCLUSIONS: tuple[str, ...] = (*_TEAM_LEITER, "*begleiter*")
#: Removed before the manager keywords are matched.
MANAGER_EXCLUSIONS: tuple[str, ...] = ("lead gen*", "lead nurtur*", "lead qualif*", "lead scor*", "*begleiter*")

_SEPARATORS = re.compile(r"[\W_]+")
# The Unicode blocks of combining diacritical marks (accents once NFKD has split them off).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_GAP = "..."
# Up to three words: "looking for ... job" reads "looking for a new job".
_GAP_PATTERN = r"(?: \w+){0,3}"


def _fold(text: str) -> str:
    """Case-folded text without accents (NFKD, combining diacritical marks dropped)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def _fold_all(texts: pd.Series) -> pd.Series:
    """:func:`_fold` of each string of a Series, vectorised."""
    return texts.str.casefold().str.normalize("NFKD").str.replace(_COMBINING, "", regex=True)


def _keyword_pattern(keyword: str) -> str:
    """Regular expression of one keyword (syntax in the module docstring), to be matched at a word start."""
    starts, ends = keyword.startswith("^"), keyword.endswith("$")
    pattern, gap = "", False
    for token in keyword.strip("^$").split():
        if token == _GAP:
            gap = True
            continue
        head, tail = token.startswith("*"), token.endswith("*")
        core = re.escape(_SEPARATORS.sub(" ", _fold(token.strip("*"))).strip()).replace("\\ ", " ")
        if pattern:
            pattern += (_GAP_PATTERN + " ") if gap else " "
        pattern += (r"\w*" if head else "") + core + (r"\w*" if tail else "")
        gap = False
    if gap:
        pattern += _GAP_PATTERN
    return ("^" if starts else "") + pattern + ("$" if ends else r"(?!\w)")


@cache
def _compiled(keywords: tuple[str, ...]) -> re.Pattern[str]:
    # Every keyword starts at the start of a word: one look-behind in front of the alternation
    # lets the engine skip the positions inside words (25 times faster than one per keyword).
    return re.compile(r"(?<!\w)(?:" + "|".join(_keyword_pattern(k) for k in keywords) + ")")


def _all(keywords: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(k for language in keywords.values() for k in language)


def normalize_title(values: pd.Series, *, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> pd.Series:
    """Titles as the keyword rules read them: case-folded, without accents, words separated by one space.

    Parameters
    ----------
    values : pandas.Series
        Job titles as typed.
    placeholders : sequence of str
        Values meaning "left blank".

    Returns
    -------
    pandas.Series
        Object dtype, same index; ``None`` where missing.

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_title(pd.Series(["Co-Founder & CEO", "Geschäftsführer", "Select"])).tolist()
    ['co founder ceo', 'geschaftsfuhrer', None]
    """
    return _per_value(values, placeholders, _normalize_distinct)


def _normalize_distinct(keys: pd.Series) -> pd.Series:
    """:func:`normalize_title` of distinct normalised keys (no missing values); None where nothing is left."""
    folded = _fold_all(keys).str.replace(_SEPARATORS, " ", regex=True).str.strip()
    return folded.where(folded != "", None)


def _matches(titles: pd.Series, keywords: tuple[str, ...], exclusions: tuple[str, ...] = ()) -> np.ndarray:
    """Whether each (normalised, distinct) title holds one of the keywords once the exclusions are removed."""
    if exclusions:
        titles = titles.str.replace(_compiled(exclusions), " ", regex=True)
    return titles.str.contains(_compiled(keywords), regex=True).to_numpy(dtype=bool)


def _seniority_of(titles: pd.Series) -> np.ndarray:
    """Seniority level of each normalised title (no missing values)."""
    cleaned = titles.str.replace(_compiled(COMMON_EXCLUSIONS), " ", regex=True)
    levels = [
        _matches(cleaned, _all(C_LEVEL_KEYWORDS), C_LEVEL_EXCLUSIONS),
        _matches(cleaned, _all(VP_KEYWORDS)),
        _matches(cleaned, _all(DIRECTOR_KEYWORDS), DIRECTOR_EXCLUSIONS),
        _matches(cleaned, _all(MANAGER_KEYWORDS), MANAGER_EXCLUSIONS),
    ]
    return np.select(levels, list(SENIORITY[:4]), SENIORITY[4]).astype(object)


def _role_of(titles: pd.Series) -> np.ndarray:
    """Role of each normalised title (no missing values)."""
    managing = _seniority_of(titles) != SENIORITY[4]
    intern = _matches(titles, _all(INTERN_KEYWORDS)) & ~managing
    student = _matches(titles, _all(STUDENT_KEYWORDS)) & ~managing
    seeker = _matches(titles, _all(JOB_SEEKER_KEYWORDS))
    return np.select([intern, student, seeker], ["intern", "student", "job seeker"], "employed").astype(object)


def compile_rules() -> None:
    """Compile the keyword patterns of every title rule now (they are compiled on first use).

    Their compilation is some 50 ms of Python, once per process: a caller
    that will look for job titles can run this on a thread while it waits on
    work that lets go of the interpreter lock (a file being read).

    Examples
    --------
    >>> compile_rules()
    """
    _role_of(pd.Series(["chief executive officer"], dtype=object))  # every pattern: roles check seniority first


def _title_rule(rule: Callable[[pd.Series], np.ndarray]) -> Callable[[pd.Series], pd.Series]:
    """``rule`` of distinct normalised keys: normalised as titles, then run once per distinct title."""
    def classify(keys: pd.Series) -> pd.Series:
        # Keys spelled apart can normalise to one title.
        return _by_distinct(_normalize_distinct(keys), lambda t: pd.Series(rule(t), index=t.index, dtype=object),
                            keys.index)

    return classify


def _per_title(values: pd.Series, placeholders: Sequence[str], rule: Callable[[pd.Series], np.ndarray]) -> pd.Series:
    return _per_value(values, placeholders, _title_rule(rule))


def _role_and_seniority(values: pd.Series, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS,
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of the rows, and :func:`title_role` and :func:`title_seniority` per code, from one factorisation."""
    codes, (roles, seniorities) = _distinct_answers(values, placeholders, _title_rule(_role_of),
                                                    _title_rule(_seniority_of))
    return codes, roles, seniorities


def title_role(values: pd.Series, *, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> pd.Series:
    """Whether each job title is a student, an intern, a job seeker or someone employed.

    Parameters
    ----------
    values : pandas.Series
        Job titles as typed, in any of the supported languages.
    placeholders : sequence of str
        Values meaning "left blank".

    Returns
    -------
    pandas.Series
        Object dtype, same index: one of :data:`ROLES`, or ``None`` where the
        title is missing. Precedence intern > student > job seeker; a title
        naming a manager or higher seniority is not a student or intern
        (rules and keywords in the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> title_role(pd.Series(["Working Student", "PhD Candidate", "Arbeitslos", "Stagiaire", "CEO", ""])).tolist()
    ['intern', 'student', 'job seeker', 'intern', 'employed', None]
    """
    return _per_title(values, placeholders, _role_of)


def title_seniority(values: pd.Series, *, placeholders: Sequence[str] = DEFAULT_PLACEHOLDERS) -> pd.Series:
    """The seniority of each job title: C-level, VP, director, manager or individual.

    Parameters
    ----------
    values : pandas.Series
        Job titles as typed, in any of the supported languages.
    placeholders : sequence of str
        Values meaning "left blank".

    Returns
    -------
    pandas.Series
        Object dtype, same index: one of :data:`SENIORITY`, or ``None`` where
        the title is missing. The highest level whose keywords the title
        holds wins; any other title is "individual".

    Examples
    --------
    >>> import pandas as pd
    >>> titles = pd.Series(["Directeur Général", "Head of Growth", "Leiter Vertrieb", "Teamleiter", "Analyst"])
    >>> title_seniority(titles).tolist()
    ['C-level', 'VP', 'director', 'manager', 'individual']
    """
    return _per_title(values, placeholders, _seniority_of)
