"""The person registry adapter (ГБД ФЛ, DSM80-11): look a person up by IIN over HTTP and compare the
registry's answer with what the registrar typed.

Every lookup, answered or not, is journaled as a data exchange. Failures come back as `RegistryError`
with a reason the form shows next to the IIN; the typed data stays on the form.
"""

import datetime
import uuid
from dataclasses import asdict, dataclass

import requests
from django.utils.translation import gettext as _

from audit.services import record_exchange
from integrations.channels import PermanentError, TransientError
from integrations.client import national_request

COUNTERPART = "person_registry"
MESSAGE_TYPE = "person_lookup"

# The registry's field -> the Patient field it fills.
COMPARED_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "sex", "citizenship", "registration_address")


@dataclass(frozen=True)
class RegistryPerson:
    iin: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: datetime.date
    sex: str
    citizenship: str
    registration_address: str
    alive: bool = True

    @classmethod
    def from_answer(cls, answer: dict) -> "RegistryPerson":
        return cls(
            iin=answer["iin"],
            last_name=answer.get("last_name", ""),
            first_name=answer.get("first_name", ""),
            middle_name=answer.get("middle_name", "") or "",
            birth_date=datetime.date.fromisoformat(answer["birth_date"]),
            sex=answer.get("sex", ""),
            citizenship=answer.get("citizenship", "") or "",
            registration_address=answer.get("address", "") or "",
            alive=bool(answer.get("alive", True)),
        )

    def as_session(self) -> dict:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat()
        return data

    @classmethod
    def from_session(cls, data: dict) -> "RegistryPerson":
        return cls(**{**data, "birth_date": datetime.date.fromisoformat(data["birth_date"])})


class RegistryError(Exception):
    """reason: timeout, unavailable, not_found or refused."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return {
            "timeout": _("The person registry did not answer in time. Try again, or register from the document."),
            "unavailable": _("The person registry is unavailable now. Try again later, or register from the document."),
            "not_found": _("The person registry has no person with this IIN. Check the number against the document."),
        }.get(self.reason, _("The person registry refused the request."))


@dataclass(frozen=True)
class Difference:
    field: str
    typed: object
    registry: object


def registry_lookup(*, iin: str, patient=None) -> RegistryPerson:
    """The registry's record of the person with this IIN; raises RegistryError. Journaled either way."""
    message_id = str(uuid.uuid4())
    outcome, detail = "found", ""
    try:
        answer = national_request("GET", f"/person-registry/v1/persons/{iin}", idempotency_key=message_id)
        person = RegistryPerson.from_answer(answer)
    except TransientError as error:
        timed_out = isinstance(error.__cause__, requests.Timeout)
        outcome, detail = ("timeout" if timed_out else "unavailable"), str(error)
        raise RegistryError(outcome) from error
    except PermanentError as error:
        outcome, detail = ("not_found" if "not found" in str(error) else "refused"), str(error)
        raise RegistryError(outcome) from error
    except (KeyError, ValueError) as error:
        outcome, detail = "refused", f"unreadable answer: {error}"
        raise RegistryError("refused") from error
    finally:
        record_exchange(
            direction="out",
            counterpart=COUNTERPART,
            message_type=MESSAGE_TYPE,
            message_id=message_id,
            patient=patient,
            outcome=outcome,
            detail=detail,
        )
    return person


def registry_differences(typed: dict, person: RegistryPerson) -> list[Difference]:
    """The fields where the form and the registry disagree (blank typed fields included)."""
    differences = []
    for name in COMPARED_FIELDS:
        registry_value = getattr(person, name)
        typed_value = typed.get(name)
        if isinstance(typed_value, str):
            same = typed_value.strip().casefold() == str(registry_value).strip().casefold()
        else:
            same = typed_value == registry_value
        if not same and registry_value not in ("", None):
            differences.append(Difference(name, typed_value, registry_value))
    return differences
