"""Batch J6's lessons, in our own words (none of these texts is from a batch).

Each general reason behind a missed or false sign in J6 is tested here in English and Spanish, with the sign
said and not said, as the user meets it: the sign found or not, and the grade.
"""

from __future__ import annotations

import pytest

from bot.job_offer import SERIOUS, grade
from tests.job_offer.lessons import assert_grade_never_milder, assert_read_when_said, read_flags

# (sign, language, text with the sign, the same offer without it)
CASES = [
    # Work first, pay later: an unpaid trial or training period holds the wages back.
    (
        "withheld_wages",
        "en",
        "Kitchen helper in Lisbon. The first two weeks are a trial with no pay, then 180 euros a week.",
        "Kitchen helper in Lisbon, 180 euros a week, paid from the first day, training included and paid.",
    ),
    (
        "withheld_wages",
        "es",
        "Ayudante de cocina en Lisboa. Las primeras dos semanas son de prueba sin sueldo, luego 180 euros por semana.",
        "Ayudante de cocina en Lisboa, 180 euros por semana, se cobra desde el primer día, capacitación pagada.",
    ),
    # A share of the pay kept "as savings" and handed over at the end.
    (
        "withheld_wages",
        "en",
        "Packers wanted. The supervisor keeps part of each wage as savings and hands it over when the season ends.",
        "Packers wanted. Wages go straight into your own bank account every Friday, in full.",
    ),
    (
        "withheld_wages",
        "es",
        "Se buscan empacadores. El supervisor se queda con una parte del pago como ahorro y se entrega al final.",
        "Se buscan empacadores en Murcia, 9 euros la hora, contrato de temporada firmado antes de empezar.",
    ),
    # Paid only when the campaign is over.
    (
        "withheld_wages",
        "en",
        "Strawberry picking near Huelva, 45 euros a day, your pay is given at the end of the campaign.",
        "Strawberry picking near Huelva, 45 euros a day, paid by bank transfer every week.",
    ),
    # Made to stay in the house.
    (
        "restricted_movement",
        "en",
        "Live-in nanny in Riyadh. For your own good you must stay in the house at all times.",
        "Live-in nanny in Riyadh, own room in the house, Fridays off, you can go out as you like.",
    ),
    (
        "restricted_movement",
        "es",
        "Niñera interna en Riad. Por tu seguridad debes quedarte en la casa siempre.",
        "Niñera interna en Riad, cuarto propio en la casa, viernes libres, puedes salir cuando quieras.",
    ),
    # Out only in the boss's company.
    (
        "restricted_movement",
        "en",
        "Spa staff, rooms above the spa. The girls go out on Sundays with the manager.",
        "Spa staff, rooms above the spa. Sundays are free and the manager lends bikes for going to the beach.",
    ),
    (
        "restricted_movement",
        "es",
        "Personal para spa, cuartos arriba del local. Las chicas salen los domingos con la encargada.",
        "Personal para spa, cuartos arriba del local. Los domingos son libres y la encargada presta bicicletas.",
    ),
    # The job or the pay decided only once the worker is there.
    (
        "changed_terms",
        "en",
        "Warehouse staff for Rotterdam, 1,900 euros a month; your exact job will be decided once you arrive.",
        "Warehouse staff for Rotterdam, order picker, 1,900 euros a month; your room will be assigned on arrival.",
    ),
    (
        "changed_terms",
        "es",
        "Personal de almacén en Róterdam, 1.900 euros al mes; el puesto exacto se decide cuando llegues.",
        "Almacén en Róterdam, preparador de pedidos, 1.900 euros al mes; la habitación se asigna al llegar.",
    ),
    # The contract handed over only on the way.
    (
        "no_contract",
        "en",
        "Drivers for Riyadh, 1,300 dollars a month. You get your contract at the airport before boarding.",
        "Drivers for Riyadh, 1,300 dollars a month. Your signed contract is sent to you two weeks before the flight.",
    ),
    (
        "no_contract",
        "es",
        "Choferes para Riad, 1.300 dólares al mes. El contrato se entrega en el aeropuerto antes de abordar.",
        "Choferes para Riad, 1.300 dólares al mes. Recibes el contrato firmado dos semanas antes del vuelo.",
    ),
    # Leave no trace, tell no relative.
    (
        "secrecy",
        "en",
        "Hostess job in Milan, 4,000 euros a month. Please delete this chat after you read it.",
        "Hostess job in Milan, 4,000 euros a month. Talk it over with your family and send your CV by email.",
    ),
    (
        "secrecy",
        "es",
        "Trabajo de anfitriona en Milán, 4.000 euros al mes. Borra este chat cuando lo leas.",
        "Trabajo de anfitriona en Milán, 4.000 euros al mes. Coméntalo con tu familia y manda tu CV por correo.",
    ),
    (
        "secrecy",
        "en",
        "Hostess job in Milan, 4,000 euros a month. Don't tell your grandma about it yet.",
        "Hostess job in Milan, 4,000 euros a month. Your grandma is welcome to call our office.",
    ),
    (
        "secrecy",
        "es",
        "Trabajo de anfitriona en Milán, 4.000 euros al mes. No le cuentes a tu tía todavía.",
        "Trabajo de anfitriona en Milán, 4.000 euros al mes. Tu tía puede llamar a nuestra oficina.",
    ),
    # Fees: the employer paying a list that ends with the fee is no fee; the worker paying it is.
    (
        "recruitment_fee",
        "en",
        "Domestic helper in Hong Kong. You pay the visa, the medical check and the agency fee before you fly.",
        "Domestic helper in Hong Kong. The employer pays the visa, the medical check and the agency fee.",
    ),
    (
        "recruitment_fee",
        "en",
        "Hotel porters, H-2B. A processing fee of 400 dollars is due before your interview.",
        "Hotel porters, H-2B. Visa fee and inbound bus reimbursed in your first paycheck.",
    ),
    # "Cobrar" is also getting paid: wages paid at the end are held back, not a fee.
    (
        "recruitment_fee",
        "es",
        "Recogida de fresa en Huelva. Para apuntarte se cobra una cuota de 200 euros.",
        "Recogida de fresa en Huelva, 45 euros al día, se cobra cada semana por transferencia.",
    ),
]


@pytest.mark.parametrize(("sign", "language", "present", "absent"), CASES)
def test_sign_read_when_said_and_not_when_not(reader, sign, language, present, absent):
    assert_read_when_said(reader, sign, language, present, absent)


@pytest.mark.parametrize(("sign", "language", "present", "absent"), CASES)
def test_the_sign_never_makes_the_grade_milder(reader, sign, language, present, absent):
    """The user sees a grade at least as grave when the sign is said as when it is not."""
    assert_grade_never_milder(reader, language, present, absent)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "HomeStaff Agency Ltd (licence 12A345) seeks a helper for a family in Kowloon, HK$4,990 a month, one rest "
            "day a week. The employer pays the visa, the medical check and the agency fee. You keep your passport "
            "and sign your contract in your own language before you travel.",
        ),
        (
            "en",
            "Pine Ridge Lodge, Jackson, Wyoming (H-2B): line cooks, $18.50/hr. Visa fee and inbound bus reimbursed "
            "in your first paycheck; we never charge recruitment fees. Job order and contract given before your "
            "interview.",
        ),
    ],
)
def test_legitimate_offers_that_name_paid_fees_are_not_serious(reader, language, text):
    reading = reader.read(text, language)
    assert "recruitment_fee" not in reading.flags
    assert grade(reading.flags) != SERIOUS


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Recogida de fresa en Huelva, 45 euros al día, sin contrato, se cobra todo al final de la campaña."),
        ("es", "Pesca en altura: el sueldo, 700 dólares al mes, se deposita al terminar la campaña de 10 meses."),
    ],
)
def test_wages_paid_at_the_end_are_held_back_not_a_fee(reader, language, text):
    flags = read_flags(reader, language, text)
    assert "withheld_wages" in flags
    assert "recruitment_fee" not in flags


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Domestic helper in Hong Kong. The employer pays your housing but you pay the agency fee."),
        ("en", "Domestic helper in Hong Kong. The employer pays the housing, and the worker pays the agency fee."),
    ],
)
def test_a_fee_left_to_the_worker_after_the_employer_pays_something_is_still_a_fee(reader, language, text):
    assert "recruitment_fee" in read_flags(reader, language, text)


# Ages of players, dancers and models are ages; an agent's fee is a fee.
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Trials for young players 14-17 at a club in Spain, agent fee 900 euros."),
        ("es", "Pruebas para jugadores de 14 a 17 en un club de España, cuota del agente 900 euros."),
    ],
)
def test_young_players_charged_by_an_agent(reader, language, text):
    flags = read_flags(reader, language, text)
    assert {"minors", "recruitment_fee"} <= flags
    assert grade(flags) == SERIOUS


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Professional players 20-28 wanted for a club in Malta, no agent fee, contract before travel."),
        ("es", "Se buscan jugadores de 20 a 28 para un club de Malta, sin cuota del agente, contrato antes de viajar."),
    ],
)
def test_adult_players_with_no_agent_fee(reader, language, text):
    flags = read_flags(reader, language, text)
    assert "minors" not in flags
    assert "recruitment_fee" not in flags
