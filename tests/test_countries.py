"""The country finder: which hotline a person gets depends on the country it reads from their message."""

from __future__ import annotations

import pytest

from bot.nlp.countries import MAX_CHARS, CountryFinder, CountryMatch, default_finder


@pytest.fixture(scope="module")
def finder() -> CountryFinder:
    return CountryFinder.from_file()


FOUND = [
    # Plain names, with and without accents, any case.
    ("Honduras", "HN"),
    ("estoy en mexico", "MX"),
    ("Estoy en México", "MX"),
    ("ESTOY EN MEXICO", "MX"),
    ("vivo en panama", "PA"),
    ("ahorita ando en Panamá", "PA"),
    ("I'm in Canada right now", "CA"),
    ("me fui a canadá con visa de trabajo", "CA"),
    ("soy de peru", "PE"),
    ("from Perú", "PE"),
    ("estoy en haiti con mis hijos", "HT"),
    ("mi prima está en Haití", "HT"),
    ("i live in guatemala", "GT"),
    ("en el salvador", "SV"),
    ("soy de El Salvador", "SV"),
    ("costa rica", "CR"),
    ("vivo en nicaragua", "NI"),
    ("belice", "BZ"),
    ("I'm from Belize", "BZ"),
    ("estoy en la republica dominicana", "DO"),
    ("dominican republic", "DO"),
    ("colombia", "CO"),
    ("me escribieron desde venezuela", "VE"),
    ("cuba", "CU"),
    ("estoy en ecuador", "EC"),
    ("me ofrecen trabajo en España", "ES"),
    ("job offer in spain", "ES"),
    ("trabajo en espana", "ES"),
    # United States: its many short forms.
    ("I'm in the US", "US"),
    ("I'm in the States", "US"),
    ("i live in the us", "US"),
    ("estoy en EEUU", "US"),
    ("vivo en EE.UU. desde 2019", "US"),
    ("llegue a EE. UU. hace un mes", "US"),
    ("estoy en eeuu", "US"),
    ("me quiero ir a USA", "US"),
    ("vivo en usa", "US"),
    ("USA", "US"),
    ("US", "US"),
    ("moved to the U.S. last year", "US"),
    ("estados unidos", "US"),
    ("estoy en estados unidos", "US"),
    ("i'm in the united states", "US"),
    ("ya estoy en gringolandia", "US"),
    ("me voy pal gabacho", "US"),
    ("trabajo en Houston", "US"),
    ("estoy en nuevo mexico", "US"),
    ("i am in New Mexico", "US"),
    ("I'M IN THE US", "US"),
    # Mexico by city or short form.
    ("estoy en CDMX", "MX"),
    ("vivo en el DF", "MX"),
    ("ando en Tapachula", "MX"),
    ("estamos en tijuana", "MX"),
    ("i'm in mexico city", "MX"),
    ("trabajo en monterrey", "MX"),
    # Central America by city, short form or demonym.
    ("vivo en guate", "GT"),
    ("soy chapin", "GT"),
    ("somos chapines", "GT"),
    ("soy guatemalteca", "GT"),
    ("soy catracho", "HN"),
    ("soy catracha y estoy buscando trabajo", "HN"),
    ("soy hondureño", "HN"),
    ("soy hondureno", "HN"),
    ("estoy en San Pedro Sula", "HN"),
    ("vivo en tegucigalpa", "HN"),
    ("i'm honduran", "HN"),
    ("soy salvadoreño", "SV"),
    ("somos guanacos", "SV"),
    ("soy nica", "NI"),
    ("soy nicaraguense", "NI"),
    ("ando en Managua", "NI"),
    ("soy tico", "CR"),
    ("mi esposa es tica", "CR"),
    ("soy panameña", "PA"),
    ("soy mexicano", "MX"),
    ("soy mexicana", "MX"),
    ("i am mexican", "MX"),
    ("somos venezolanos", "VE"),
    ("soy colombiana", "CO"),
    ("soy dominicano", "DO"),
    ("vivo en santo domingo", "DO"),
    ("soy haitiano", "HT"),
    ("soy cubana", "CU"),
    ("estoy en bogota", "CO"),
    ("estoy en Necoclí esperando", "CO"),
    ("vivo en Chile", "CL"),
    ("me voy a chile", "CL"),
    # Messages as people send them.
    ("hola!! estoy en guate 🙏", "GT"),
    ("ok estoy en mexico", "MX"),
    ("<b>Mexico</b>", "MX"),
    ("mexico???", "MX"),
    ("#honduras", "HN"),
]


@pytest.mark.parametrize(("text", "code"), FOUND)
def test_finds_the_country(finder: CountryFinder, text: str, code: str) -> None:
    assert finder.find_codes(text) == [code]


@pytest.mark.parametrize(("text", "code"), FOUND)
def test_match_offsets_point_at_the_mention(finder: CountryFinder, text: str, code: str) -> None:
    (match,) = finder.find(text)
    assert text[match.start_char : match.end_char] == match.text
    assert match.text.strip() == match.text and match.text


NOT_FOUND = [
    "help us",
    "HELP US PLEASE",
    "can you help us",
    "Us too",
    "they told us to wait",
    "el usa drogas",
    "usa el telefono de tu hermana",
    "Usa otra cuenta",
    "es muy bueno",
    "es verdad lo que me dijeron",
    "sal de ahi",
    "el",
    "politico",
    "es un trabajo practico",
    "mi amigo Salvador",
    "habla español por favor",
    "in spanish please",
    "salsa de chile",
    "tacos con chile",
    "en chile, no se",
    "la costa",
    "el paso de la frontera",
    "me dijeron que el norte es mejor",
    "latin america",
    "Central America",
    "soy latinoamericano",
    "Real Madrid gano",
    "quiero una cuba libre",
    "hola",
    "necesito ayuda",
    # Country words inside other words.
    "politicos",
    "estoy en un plan elastico",
    "es un autentico fraude",
    "mexicanismo",
    "panamericana",
    "guatemaltecoo",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_words_are_not_countries(finder: CountryFinder, text: str) -> None:
    assert finder.find(text) == []


def test_two_countries_keep_message_order(finder: CountryFinder) -> None:
    text = "soy hondureña pero estoy en Tapachula y me quiero ir a EEUU"
    assert finder.find_codes(text) == ["HN", "MX", "US"]


def test_same_country_twice_is_one_code(finder: CountryFinder) -> None:
    assert finder.find_codes("mexico, si, mexico") == ["MX"]
    assert len(finder.find("mexico, si, mexico")) == 2


def test_longest_mention_wins(finder: CountryFinder) -> None:
    (match,) = finder.find("vivo en la ciudad de guatemala")
    assert (match.code, match.text) == ("GT", "ciudad de guatemala")


def test_context_word_is_not_part_of_the_match(finder: CountryFinder) -> None:
    (match,) = finder.find("i'm in the US")
    assert match == CountryMatch("US", "US", 11, 13)


BAD_INPUT = [
    "",
    " ",
    "\n\t",
    "😀😀🙏🇲🇽",
    "\x00\x01\x02\xff",
    "\ud800\udfff mexico",
    "<script>alert('mexico')</script>",
    "a" * 200_000,
    "mexico " * 50_000,
    "\u202e\u200b\u0301",
    "M\u0301exico",
    "𝓜𝓮𝔁𝓲𝓬𝓸",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_never_raises(finder: CountryFinder, text: str) -> None:
    matches = finder.find(text)
    assert isinstance(matches, list)
    assert all(m.end_char <= min(len(text), MAX_CHARS) for m in matches)


@pytest.mark.parametrize("value", [None, 42, b"mexico", ["mexico"]])
def test_non_text_gives_nothing(finder: CountryFinder, value: object) -> None:
    assert finder.find(value) == []  # type: ignore[arg-type]


def test_script_tags_do_not_hide_a_country(finder: CountryFinder) -> None:
    assert finder.find_codes("<script>alert('mexico')</script>") == ["MX"]


def test_huge_message_is_cut_but_early_mentions_count(finder: CountryFinder) -> None:
    text = "estoy en honduras " + "bla " * 100_000 + " mexico"
    assert finder.find_codes(text) == ["HN"]


REQUIRED = ["US", "CA", "MX", "GT", "BZ", "SV", "HN", "NI", "CR", "PA", "DO", "CO",
            "VE", "CU", "HT", "EC", "PE", "ES"]


def test_covers_the_region(finder: CountryFinder) -> None:
    assert set(REQUIRED) <= set(finder.codes())
    assert len(finder.codes()) == len(set(finder.codes()))


@pytest.mark.parametrize("code", REQUIRED)
def test_every_country_has_display_names(finder: CountryFinder, code: str) -> None:
    assert finder.name(code, "en") and finder.name(code, "es")
    assert finder.name(code, "es") != code


def test_display_names_follow_the_language(finder: CountryFinder) -> None:
    assert finder.name("US", "es") == "Estados Unidos"
    assert finder.name("US", "en") == "United States"
    assert finder.name("mx", "es") == "México"
    assert finder.name("ES", "en") == "Spain"


def test_unknown_language_or_code_degrades_gracefully(finder: CountryFinder) -> None:
    assert finder.name("PA", "fr") == "Panama"
    assert finder.name("ZZ", "es") == "ZZ"


def _entry(code: str, **kw: object) -> dict[str, object]:
    return {"code": code, "name": {"en": code, "es": code}, **kw}


def test_a_form_claimed_by_two_countries_is_refused() -> None:
    data = {"countries": [_entry("MX", places=["Tapachula"]), _entry("GT", places=["tapachula"])]}
    with pytest.raises(ValueError, match="tapachula"):
        CountryFinder.from_dict(data)


def test_accentless_duplicate_is_also_refused() -> None:
    data = {"countries": [_entry("PA", names=["Panamá"]), _entry("CO", names=["panama"])]}
    with pytest.raises(ValueError):
        CountryFinder.from_dict(data)


@pytest.mark.parametrize(
    "entry",
    [
        {"code": "mx", "name": {"en": "Mexico", "es": "México"}},
        {"code": "MEX", "name": {"en": "Mexico", "es": "México"}},
        {"code": "MX", "name": {"en": "Mexico"}},
        {"code": "MX", "name": {"en": "Mexico", "es": "México"}, "names": "mexico"},
        {"code": "MX", "name": {"en": "Mexico", "es": "México"}, "names": [""]},
    ],
)
def test_malformed_entries_fail_at_load(entry: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CountryFinder.from_dict({"countries": [entry]})


def test_accentless_variants_are_generated() -> None:
    finder = CountryFinder.from_dict({"countries": [_entry("PE", names=["Perú"], demonyms=["peruano"])]})
    assert finder.find_codes("peru") == ["PE"]
    assert finder.find_codes("PERÚ") == ["PE"]


def test_default_finder_is_shared() -> None:
    assert default_finder() is default_finder()
    assert default_finder().find_codes("soy catracho") == ["HN"]
