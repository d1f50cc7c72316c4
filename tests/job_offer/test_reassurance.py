"""A sign the offer states as absent or forbidden is not read as present (issue 18, batch J3).

A legitimate H-2A / H-2B / temporary-foreign-worker offer that says the workers keep their passports, pay no
fees and get their travel paid or reimbursed must not be graded serious, nor shown the passport or fee sign; the
same offer saying the opposite must be. The texts here are written for these tests (none is from a batch).
"""

from __future__ import annotations

import pytest

from bot.job_offer import SERIOUS, OfferReader, grade, start_check

DOCS, FEE, DEBT = "document_retention", "recruitment_fee", "travel_debt"



LEGIT_EN = (
    "Sunny Slope Orchards LLC, Wenatchee, Washington - H-2A cherry pickers, June to August. Job order posted on "
    "SeasonalJobs.dol.gov. Pay: the Washington H-2A hourly rate, every week. {docs} {fees} {travel}"
)
LEGIT_ES = (
    "Granjas Río Claro LLC, Salinas, California - trabajadores agrícolas con visa H-2A, de mayo a septiembre. "
    "Orden de trabajo publicada en SeasonalJobs.dol.gov. Pago semanal con la tarifa H-2A de California. "
    "{docs} {fees} {travel}"
)

REASSURED_EN = [
    {
        "docs": "Every worker keeps his or her own passport during the whole season.",
        "fees": "No fees.",
        "travel": "Visa fee: reimbursed in your first paycheck.",
    },
    {
        "docs": "You keep your passport with you at all times.",
        "fees": "Recruitment fees are prohibited and we never charge workers.",
        "travel": "Flights paid by the employer, both ways.",
    },
    {
        "docs": "Workers keep their own documents; nobody is allowed to hold them.",
        "fees": "It is illegal for anyone to charge you a fee for this job. Report anyone who asks you for money.",
        "travel": "We pay the visa fee and your bus to the farm.",
    },
]
REASSURED_ES = [
    {
        "docs": "Tu pasaporte siempre contigo.",
        "fees": "Sin cobro de ningún tipo: no cobramos nada.",
        "travel": "El boleto de avión es reembolsado en tu primer cheque.",
    },
    {
        "docs": "Cada trabajador conserva su propio pasaporte.",
        "fees": "Está prohibido cobrar cuotas al trabajador. Nadie está autorizado para cobrar por ningún trámite.",
        "travel": "El empleador paga el boleto de ida y vuelta.",
    },
    {
        "docs": "Usted se queda con sus documentos en todo momento.",
        "fees": "El trámite es gratuito. Denuncie a cualquier persona que le cobre.",
        "travel": "De su sueldo sólo se descuentan los impuestos de ley.",
    },
]


@pytest.mark.parametrize(
    ("template", "parts", "language"),
    [(LEGIT_EN, p, "en") for p in REASSURED_EN] + [(LEGIT_ES, p, "es") for p in REASSURED_ES],
)
def test_a_legitimate_offer_that_rules_the_signs_out_gets_no_passport_fee_or_debt_sign_and_no_serious_grade(
    reader: OfferReader, template: str, parts: dict[str, str], language: str
) -> None:
    reading = reader.read(template.format(**parts), language)
    assert not {DOCS, FEE, DEBT} & set(reading.flags), reading.flags
    assert grade(reading.flags) != SERIOUS
    start = start_check(reading, language, is_offer=True)
    assert DOCS not in start.found and FEE not in start.found


@pytest.mark.parametrize(
    ("template", "parts", "language", "sign"),
    [
        (
            LEGIT_EN,
            {"docs": "We keep your passport in the office until the season ends.", "fees": "", "travel": ""},
            "en",
            DOCS,
        ),
        (
            LEGIT_EN,
            {"docs": "", "fees": "You pay a $500 placement fee before the visa appointment.", "travel": ""},
            "en",
            FEE,
        ),
        (
            LEGIT_EN,
            {"docs": "", "fees": "", "travel": "We front your flight and it is deducted from your pay."},
            "en",
            DEBT,
        ),
        (
            LEGIT_ES,
            {"docs": "El encargado guarda los pasaportes de todos en la oficina.", "fees": "", "travel": ""},
            "es",
            DOCS,
        ),
        (
            LEGIT_ES,
            {"docs": "", "fees": "Para reservar tu lugar tienes que pagar 500 dólares.", "travel": ""},
            "es",
            FEE,
        ),
        (
            LEGIT_ES,
            {"docs": "", "fees": "", "travel": "El pasaje te lo adelantamos y se descuenta del sueldo."},
            "es",
            DEBT,
        ),
    ],
)
def test_the_same_offer_saying_the_opposite_does_show_the_sign(
    reader: OfferReader, template: str, parts: dict[str, str], language: str, sign: str
) -> None:
    reading = reader.read(template.format(**parts), language)
    assert sign in reading.flags
    assert sign in start_check(reading, language, is_offer=True).found


def test_keeping_the_passport_and_charging_a_fee_together_is_serious(reader: OfferReader) -> None:
    parts = {
        "docs": "The farm keeps your passport for the season.",
        "fees": "You pay a $500 fee.",
        "travel": "",
    }
    reading = reader.read(LEGIT_EN.format(**parts), "en")
    assert {DOCS, FEE} <= set(reading.flags)
    assert grade(reading.flags) == SERIOUS


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("Charging workers a fee is illegal here.", "en", FEE),
        ("Employers are not allowed to keep your passport.", "en", DOCS),
        ("Nadie está autorizado para cobrarte por el trámite.", "es", FEE),
        ("Tu pasaporte siempre contigo, nadie te lo quita.", "es", DOCS),
        ("Tu vuelo es reembolsado por el empleador.", "es", DEBT),
    ],
)
def test_a_sign_stated_as_forbidden_or_absent_is_ruled_out_so_the_learned_half_cannot_claim_it(
    reader: OfferReader, text: str, language: str, sign: str
) -> None:
    reading = reader.read(text, language)
    assert sign not in reading.flags
    assert sign in reading.absent


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("Is it illegal for my boss to keep my passport?", "en", DOCS),
        ("My boss keeps my passport, which is illegal.", "en", DOCS),
        ("¿Es ilegal que el patrón se quede con mi pasaporte?", "es", DOCS),
    ],
)
def test_a_worry_or_a_complaint_about_the_law_is_still_the_sign(
    reader: OfferReader, text: str, language: str, sign: str
) -> None:
    assert sign in reader.read(text, language).flags


@pytest.mark.parametrize(
    ("text", "language", "present"),
    [
        ("The ticket is deducted from your salary.", "en", True),
        ("Only taxes are deducted from your salary.", "en", False),
        ("Trailer rent is deducted from your salary.", "en", False),
        ("El pasaje se descuenta del sueldo.", "es", True),
        ("Le descuentan los impuestos y el seguro de ley.", "es", False),
        ("El coyote lo pone el patrón y se lo vas pagando cada semana.", "es", True),
        ("A small part of each paycheck goes toward the ticket until it is settled.", "en", True),
    ],
)
def test_a_deduction_is_a_travel_debt_only_when_it_pays_for_the_trip(
    reader: OfferReader, text: str, language: str, present: bool
) -> None:
    assert (DEBT in reader.read(text, language).flags) is present


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("No need for papers or contract, we trust each other.", "en"),
        ("Your contract will be ready when you arrive, you sign it there.", "en"),
        ("Everything is verbal only.", "en"),
        ("El contrato lo firmas cuando ya estés en la fábrica.", "es"),
        ("El contrato se entrega en destino.", "es"),
    ],
)
def test_a_contract_only_on_arrival_or_only_spoken_is_no_contract(
    reader: OfferReader, text: str, language: str
) -> None:
    assert "no_contract" in reader.read(text, language).flags


def test_a_contract_signed_before_leaving_is_not_no_contract(reader: OfferReader) -> None:
    reading = reader.read("Contract signed at the Ministry before we leave, same wage as everyone.", "en")
    assert "no_contract" not in reading.flags


# Batch J4's lessons, in our own words: money paid back TO the worker, one's own passport taken to the visa
# interview, "the passport is yours", "nobody, not even our staff, may charge you", a phone number, a list of fees
# the offer never charges. Each reassuring text must show no sign and no serious grade; its warning twin must.
REASSURING = [
    (
        "en",
        DEBT,
        "Orchard work in Yakima, H-2A. If you need to pay for the bus to the consulate, that money is paid back "
        "to you with your first paycheck.",
    ),
    ("en", FEE, "Hillside Farms LLC, H-2A. If you have to pay any cost yourself, it gets refunded in your first week."),
    (
        "en",
        DOCS,
        "Next step: bring your passport and the appointment letter to your interview at the embassy. "
        "The passport is yours; keep it on you.",
    ),
    ("en", FEE, "Nobody, not even our own staff, is allowed to charge you for this job."),
    ("en", FEE, "We never charge registration, medical or uniform fees to applicants."),
    (
        "es",
        FEE,
        "Agrícola Los Pinos S.A., visa H-2A. Si usted tiene que pagar algún gasto, se le reembolsa en su primer pago.",
    ),
    ("es", DOCS, "Lleve su pasaporte a la cita en el consulado el lunes. El pasaporte es suyo y lo conserva usted."),
    (
        "es",
        "minors",
        "Cuidadora interna en Sevilla, contrato por escrito. Interesadas llamar a la hija, Rosa, al 6XX XXX XXX.",
    ),
]
WARNING = [
    ("en", DEBT, "The agency books your flight and you pay it back from your salary, 200 dollars a month."),
    ("en", FEE, "You have to pay a 300 dollar processing fee before the interview."),
    ("en", DOCS, "When you arrive the manager keeps your passport in the office until the contract ends."),
    ("en", FEE, "Our recruiters charge you 150 dollars for the medical."),
    ("es", FEE, "Tiene que pagar 5,000 pesos de inscripción para apartar su lugar."),
    ("es", DOCS, "Al llegar, la patrona se queda con tu pasaporte hasta que termines el contrato."),
    ("es", "minors", "Buscamos chicas de 16 y 17 años para edecanes, no hace falta permiso de los papás."),
]


@pytest.mark.parametrize(("language", "sign", "text"), REASSURING)
def test_a_refund_ones_own_passport_a_prohibition_or_a_phone_number_is_not_a_sign(
    reader: OfferReader, language: str, sign: str, text: str
) -> None:
    reading = reader.read(text, language)
    assert sign not in reading.flags, reading.flags
    assert grade(reading.flags) != SERIOUS


@pytest.mark.parametrize(("language", "sign", "text"), WARNING)
def test_the_same_signs_said_as_warnings_are_found(reader: OfferReader, language: str, sign: str, text: str) -> None:
    assert sign in reader.read(text, language).flags


def test_a_named_business_rules_out_the_unverifiable_company_sign(reader: OfferReader) -> None:
    en = reader.read("Blue Ridge Electronics is hiring line operators for its plant in Penang, RM 1,900 a month.", "en")
    es = reader.read("Constructora Del Bajío busca albañiles en León, contrato por escrito y pago semanal.", "es")
    assert "unverifiable_company" in en.absent and "unverifiable_company" in es.absent
