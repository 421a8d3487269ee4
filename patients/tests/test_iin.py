"""The IIN: its check digit, its century-and-sex digit, and the registration form's checks against it."""

import datetime

import pytest

from patients.forms import PatientForm
from patients.iin import FIRST_WEIGHTS, SECOND_WEIGHTS, InvalidIIN, check_digit, make_iin, parse_iin
from patients.tests.factories import PatientFactory, iin_for


def _first_eleven_where(first_is_ten: bool, second_is_ten: bool) -> str:
    for serial in range(10000):
        eleven = f"8505153{serial:04d}"
        digits = [int(c) for c in eleven]
        first = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
        second = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if (first == 10) == first_is_ten and (second == 10) == second_is_ten:
            return eleven
    raise AssertionError("no such serial")


@pytest.mark.req("DSM39-4.4")
@pytest.mark.parametrize(
    ("birth_date", "sex", "marker"),
    [
        (datetime.date(1985, 5, 15), "M", "3"),
        (datetime.date(1985, 5, 15), "F", "4"),
        (datetime.date(2012, 11, 30), "M", "5"),
        (datetime.date(2012, 11, 30), "F", "6"),
        (datetime.date(1899, 12, 31), "F", "2"),
    ],
)
def test_a_valid_iin_gives_its_birth_date_and_sex_in_both_centuries(birth_date, sex, marker):
    iin = iin_for(birth_date, sex)
    assert iin[6] == marker
    assert parse_iin(iin).birth_date == birth_date and parse_iin(iin).sex == sex


@pytest.mark.req("DSM39-4.4")
def test_the_second_weights_apply_when_the_first_sum_gives_ten():
    eleven = _first_eleven_where(first_is_ten=True, second_is_ten=False)
    digits = [int(c) for c in eleven]
    expected = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    assert check_digit(eleven) == expected
    assert parse_iin(f"{eleven}{expected}").sex == "M"


@pytest.mark.req("DSM39-4.4")
def test_an_iin_whose_second_sum_gives_ten_as_well_is_never_issued():
    eleven = _first_eleven_where(first_is_ten=True, second_is_ten=True)
    assert check_digit(eleven) is None
    for last in "0123456789":
        with pytest.raises(InvalidIIN) as error:
            parse_iin(eleven + last)
        assert error.value.reason == "unissuable"
    assert make_iin(datetime.date(1985, 5, 15), "M", int(eleven[7:])) is None


@pytest.mark.req("DSM39-4.4")
@pytest.mark.parametrize(
    ("iin", "reason"),
    [
        ("85051530001", "format"),
        ("8505153000a1", "format"),
        ("850515700011", "century"),
        ("851315300011", "date"),
        ("850230400011", "date"),
    ],
)
def test_malformed_iins_say_why(iin, reason):
    with pytest.raises(InvalidIIN) as error:
        parse_iin(iin)
    assert error.value.reason == reason


@pytest.mark.req("DSM39-4.4")
def test_a_wrong_check_digit_is_refused():
    iin = iin_for(datetime.date(1985, 5, 15), "M")
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    with pytest.raises(InvalidIIN) as error:
        parse_iin(wrong)
    assert error.value.reason == "checksum"


def _form(org, **overrides):
    data = {
        "iin": iin_for(datetime.date(1990, 5, 17), "F"),
        "last_name": "Серикова",
        "first_name": "Алия",
        "birth_date": "1990-05-17",
        "sex": "F",
        "citizenship": "kz",
        "preferred_language": "kk",
        "insurance_status": "unknown",
        "phone": "8 701 123 45 67",
    }
    data.update(overrides)
    return PatientForm(data, organisation=org.organisation)


@pytest.mark.req("DSM39-4.4")
def test_the_form_accepts_a_consistent_iin_and_normalises_phone_and_citizenship(org):
    form = _form(org)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+77011234567" and form.cleaned_data["citizenship"] == "KZ"


@pytest.mark.req("DSM39-4.4")
def test_the_form_says_which_field_contradicts_the_iin(org):
    form = _form(org, birth_date="1990-05-18", sex="M")
    assert not form.is_valid()
    assert "17.05.1990" in form.errors["birth_date"][0]
    assert "sex" in form.errors and "iin" not in form.errors


@pytest.mark.usefixtures("english")
@pytest.mark.req("DSM39-4.4")
def test_the_form_refuses_a_wrong_check_digit_and_a_duplicate_iin(org):
    iin = iin_for(datetime.date(1990, 5, 17), "F")
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    assert "check digit" in _form(org, iin=wrong).errors["iin"][0]
    PatientFactory(organisation=org.organisation, iin=iin, sex="F")
    assert "already registered" in _form(org, iin=iin).errors["iin"][0]


@pytest.mark.req("DSM39-4.4")
def test_a_person_without_an_iin_needs_another_document(org):
    form = _form(org, iin="", without_iin="on", last_name="Smith", first_name="John")
    assert not form.is_valid()
    assert set(form.errors) == {"document_type", "document_number"}
    form = _form(
        org,
        iin="",
        without_iin="on",
        last_name="Smith",
        first_name="John",
        document_type="passport",
        document_number="X1234567",
    )
    assert form.is_valid(), form.errors
    assert "iin" in _form(org, iin="").errors


def test_names_must_be_cyrillic_for_a_person_with_an_iin(org):
    assert "last_name" in _form(org, last_name="Serikova").errors
