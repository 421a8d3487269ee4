import requests

from patients.iin import make_iin


def test_person_registry_answers_a_valid_iin_with_the_encoded_birth_date(national_sim):
    import datetime

    iin = make_iin(datetime.date(1990, 5, 17), "F", 1234)
    person = requests.get(f"{national_sim.url}/person-registry/v1/persons/{iin}", timeout=5).json()
    assert person["iin"] == iin and person["birth_date"] == "1990-05-17" and person["sex"] == "F"


def test_person_registry_knows_nothing_of_serials_starting_with_nine(national_sim):
    import datetime

    iin = make_iin(datetime.date(1990, 5, 17), "M", 9001) or make_iin(datetime.date(1990, 5, 17), "M", 9002)
    response = requests.get(f"{national_sim.url}/person-registry/v1/persons/{iin}", timeout=5)
    assert response.status_code == 404


def test_malformed_requests_are_refused(national_sim):
    assert requests.get(f"{national_sim.url}/person-registry/v1/persons/12ab", timeout=5).status_code == 400
    response = requests.post(
        f"{national_sim.url}/sms/v1/messages", data=b"{not json", headers={"Content-Type": "application/json"}, timeout=5
    )
    assert response.status_code == 400


def test_injected_faults_fail_the_next_matching_requests_only(national_sim):
    national_sim.fail("/schedules/", times=1, status=503)
    body = {"organisation": "X", "clinician": "Y", "changes": [1]}
    first = requests.post(f"{national_sim.url}/schedules/v1/changes", json=body, timeout=5)
    second = requests.post(f"{national_sim.url}/schedules/v1/changes", json=body, timeout=5)
    assert (first.status_code, second.status_code) == (503, 202)
