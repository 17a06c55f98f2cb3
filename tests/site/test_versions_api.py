"""The JSON API's as_of (compiler/tools/site_api.py): the version of a series in force on a
day answers, as `polc eval --as-of` does; a day no version covers is refused naming it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from polc.compiler.tools import site_api, site_serve

CASE = {"receives_subsistence_allowance": False, "per_capita_monthly_income": "4000"}


@pytest.fixture(scope="module")
def client(corpus_build: site_serve.Build) -> TestClient:
    return TestClient(site_api.app(lambda: corpus_build.policies, corpus_build.static))


def evaluate(client: TestClient, slug: str, query: str) -> tuple[int, dict[str, object]]:
    r = client.post(f"/api/policies/{slug}/decisions/family_type_by_income/evaluate{query}",
                    json=CASE)
    return r.status_code, r.json()


@pytest.mark.parametrize("slug", ["60_public_rental_housing", "60_public_rental_housing_2023"])
def test_as_of_picks_the_version_in_force(client: TestClient, slug: str) -> None:
    assert evaluate(client, slug, "?as_of=2023-09-30") == (200, {"value": None})
    assert evaluate(client, slug, "?as_of=2023-10-01") == (200, {"value": "lower_middle_income"})


def test_without_as_of_the_named_version_answers(client: TestClient) -> None:
    assert evaluate(client, "60_public_rental_housing", "") == (200, {"value": None})
    assert evaluate(client, "60_public_rental_housing_2023", "") == \
        (200, {"value": "lower_middle_income"})


def test_a_day_no_version_covers_is_422_naming_it(client: TestClient) -> None:
    status, body = evaluate(client, "60_public_rental_housing", "?as_of=2022-09-30")
    assert status == 422 and body["field"] == "as_of"
    assert "2022-09-30" in str(body["error"]) and "public_rental_housing" in str(body["error"])


def test_a_bad_as_of_is_400_naming_the_field(client: TestClient) -> None:
    status, body = evaluate(client, "60_public_rental_housing", "?as_of=2023-13-01")
    assert status == 400 and body["field"] == "as_of" and "2023-13-01" in str(body["error"])


def test_a_policy_in_no_series_is_held_to_its_own_period(client: TestClient) -> None:
    r = client.post("/api/policies/63_headquarters_economy/decisions/talent_reward/evaluate"
                    "?as_of=2025-01-01", json={"annual_salary": "100000"})
    assert r.status_code == 422 and r.json()["field"] == "as_of"
    assert "2024-12-31" in r.json()["error"]


def test_the_site_shows_each_series_with_its_diff(corpus_build: site_serve.Build) -> None:
    page = (corpus_build.root / "index.html").read_text(encoding="utf-8")
    start = page.index('id="series-public_rental_housing"')
    section = page[start:page.index("</section>", start)]
    # both versions, in order, with their periods, and the diff between them
    assert section.index("海政办发〔2022〕60号") < section.index("示例修订〔2023〕60号")
    assert "2022-10-01 至 2023-09-30" in section
    assert "3946元 → 4180元" in section and "1560元 → 1650元" in section
    assert "per_capita_monthly_income = 3946元" in section
    assert "「中等偏下收入家庭人均月可支配收入低于4180元（不含）」" in section


def test_each_policy_states_when_it_is_in_force(client: TestClient) -> None:
    got = client.get("/api/policies/60_public_rental_housing").json()
    assert got["in_force"] == {"from": "2022-10-01", "to": "2023-09-30"}
    assert got["series"] == "public_rental_housing"
    got = client.get("/api/policies/63_headquarters_economy").json()
    assert got["in_force"] == {"from": "2022-01-01", "to": "2024-12-31"}
    assert got["series"] is None
