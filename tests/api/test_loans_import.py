"""The loan figures CSV import, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest

import app.commands.loan_imports as loan_imports

HEADER = "maand;vestiging;doelgroep;collectie;uitleningen"
GOOD = "\r\n".join(
    [
        HEADER,
        "2025-01;heemstede;jeugd;picture_books;1200",
        "2025-01;heemstede;volwassenen;fiction;2300",
        "2025-02;Heemstede;Jeugd;picture_books;1100",
        "2025-02;heemstede;volwassenen;e_books;400",
        "",
    ]
)
# A spreadsheet's "CSV UTF-8" export starts with a byte order mark.
GOOD_BYTES = b"\xef\xbb\xbf" + GOOD.encode()


def loan_events(app):
    store = app.extensions["store"]
    return [e for e in store.read_all(limit=10_000) if e.type == "LoanFiguresRecorded"]


def send(api, content, as_="staff", key=None, content_type="text/csv"):
    body = content.encode() if isinstance(content, str) else content
    return api.post_raw("/loans/import", body, content_type, as_=as_, key=key)


class TestAGoodFile:
    def test_every_row_becomes_a_figure(self, api, app):
        response = send(api, GOOD_BYTES)
        assert response.status_code == 201, response.json
        assert response.json["imported"] == 4
        assert response.json["unchanged"] == 0
        assert response.json["months"] == ["2025-01", "2025-02"]
        events = loan_events(app)
        assert response.json["positions"] == [e.position for e in events]
        assert {e.stream_id for e in events} == {
            "loans-heemstede-2025-01",
            "loans-heemstede-2025-02",
        }
        assert events[2].data == {
            "municipality": "heemstede",
            "branch": "heemstede",
            "month": "2025-02",
            "audience": "youth",
            "collection": "picture_books",
            "loans": 1100,
        }
        assert events[2].metadata.source == "backdated"
        body = api.get("/loans", period="2025-Q1").json
        assert body["totals"] == {"youth": 2300, "adult": 2700, "all": 5000}
        assert body["missing"] == [{"branch": "heemstede", "month": "2025-03"}]

    def test_as_a_multipart_upload(self, api, app):
        upload = {"file": (io.BytesIO(GOOD_BYTES), "uitleningen.csv")}
        response = api.post_raw("/loans/import", upload, "multipart/form-data")
        assert response.status_code == 201, response.json
        assert len(loan_events(app)) == 4

    def test_a_re_import_writes_nothing_new(self, api, app):
        send(api, GOOD_BYTES)
        again = send(api, GOOD_BYTES)
        assert again.status_code == 201
        assert (again.json["imported"], again.json["unchanged"]) == (0, 4)
        assert len(loan_events(app)) == 4

    def test_a_corrected_file_replaces_and_the_first_can_come_back(self, api, app):
        corrected = GOOD.replace("fiction;2300", "fiction;2350")
        send(api, GOOD)
        assert send(api, corrected).json["imported"] == 1
        assert send(api, GOOD).json["imported"] == 1
        figures = api.get("/loans", period="2025-01").json["figures"]
        assert [f["loans"] for f in figures] == [2300, 1200]
        assert len(loan_events(app)) == 6

    def test_a_crashed_import_retried_never_duplicates(self, api, app, monkeypatch):
        real = loan_imports.write
        calls = []

        def crash_on_the_second_append(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise ConnectionError("the database went away")
            return real(*args, **kwargs)

        monkeypatch.setattr(loan_imports, "write", crash_on_the_second_append)
        with pytest.raises(ConnectionError):
            send(api, GOOD)
        assert len(loan_events(app)) == 2  # January made it, February did not
        monkeypatch.setattr(loan_imports, "write", real)
        retried = send(api, GOOD)
        assert (retried.json["imported"], retried.json["unchanged"]) == (2, 2)
        assert len(loan_events(app)) == 4

    def test_the_same_key_replays_the_answer(self, api, app):
        first = send(api, GOOD, key="import-2025-01")
        again = send(api, GOOD, key="import-2025-01")
        assert again.json == first.json
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(loan_events(app)) == 4

    def test_a_thousand_rows_are_imported_once(self, api, app):
        rows = [
            f"2025-{m:02d};heemstede;{a};collection_{c:02d};{m * c}"
            for m in range(1, 11)
            for a in ("jeugd", "volwassenen")
            for c in range(50)
        ]
        response = send(api, "\n".join([HEADER, *rows]))
        assert response.status_code == 201, response.json
        assert response.json["imported"] == 1000
        assert send(api, "\n".join([HEADER, *rows])).json["unchanged"] == 1000
        assert len(loan_events(app)) == 1000


class TestABadFile:
    def test_every_bad_row_is_named_and_nothing_is_written(self, api, app):
        content = "\n".join(
            [
                HEADER,
                "2025-01;heemstede;jeugd;fiction;100",
                "2025-1;heemstede;jeugd;fiction;100",
                "2025-02;heemstede;jeugd;fiction;100",
                "2025-02;atlantis;kinderen;fiction;-5",
                "2025-02;heemstede;jeugd;fiction;120",
            ]
        )
        response = send(api, content)
        assert response.status_code == 422
        assert response.content_type == "application/problem+json"
        assert response.json["title"] == "Unprocessable Entity"
        assert [(e["row"], e["field"]) for e in response.json["errors"]] == [
            (3, "maand"),
            (5, "vestiging"),
            (5, "doelgroep"),
            (5, "uitleningen"),
            (6, "(row)"),
        ]
        assert "row 4" in response.json["errors"][-1]["detail"]
        assert loan_events(app) == []

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            ("2023-12;heemstede;jeugd;fiction;1", "maand"),
            ("2031-01;heemstede;jeugd;fiction;1", "maand"),
            ("2025-01;heemstede;jeugd;Fiction!;1", "collectie"),
            ("2025-01;heemstede;jeugd;x111222333;1", "collectie"),
            ("2025-01;heemstede;jeugd;fiction;1.250", "uitleningen"),
            ("2025-01;heemstede;jeugd;fiction;1000001", "uitleningen"),
            ("2025-01;heemstede;jeugd;fiction;", "uitleningen"),
            ("2025-01;heemstede;jeugd;fiction", "(row)"),
            ("2025-01;heemstede;jeugd;fiction;1;extra", "(row)"),
        ],
    )
    def test_a_bad_value_is_named(self, api, app, row, field):
        response = send(api, f"{HEADER}\n2025-02;heemstede;jeugd;fiction;1\n{row}\n")
        assert response.status_code == 422
        assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(3, field)]
        assert loan_events(app) == []

    @pytest.mark.parametrize(
        ("content", "field"),
        [
            (b"", "(header)"),
            (HEADER.encode(), "(row)"),
            (f"{HEADER}\n;;;;\n".encode(), "(row)"),
            (b"maand,vestiging,doelgroep,collectie,uitleningen\n", "(header)"),
            (b"month;branch;audience;collection;loans\n", "(header)"),
            (b"\r0", "(header)"),
            (f"{HEADER}\n2025-01;heemstede;jeugd;f\xe9;1\n".encode("cp1252"), "(file)"),
        ],
    )
    def test_an_empty_or_foreign_file_is_refused(self, api, app, content, field):
        response = send(api, content)
        assert response.status_code == 422
        assert [e["field"] for e in response.json["errors"]] == [field]
        assert loan_events(app) == []

    def test_a_file_above_the_limit_is_413(self, api, app):
        rows = "2025-01;heemstede;jeugd;fiction;1\n" * 200_000  # about 7 MB
        response = send(api, f"{HEADER}\n{rows}")
        assert response.status_code == 413
        assert response.content_type == "application/problem+json"
        assert loan_events(app) == []

    def test_another_content_type_or_no_file_field(self, api):
        response = send(api, GOOD, content_type="application/json")
        assert response.status_code == 415
        assert response.content_type == "application/problem+json"
        response = api.post_raw("/loans/import", {"other": "x"}, "multipart/form-data")
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "file"


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("staff", 201), ("tablet", 403), ("viewer", 403), (None, 401)],
)
def test_who_may_import(api, app, role, status):
    response = send(api, GOOD, as_=role)
    assert response.status_code == status
    assert len(loan_events(app)) == (4 if status == 201 else 0)
