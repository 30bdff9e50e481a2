"""The sanbao command line: output, --json, and exit code 2 with one clear
line for bad arguments. Run by ctest with SANBAO_CLI pointing at the binary."""
import base64
import datetime
import hashlib
import json
import os
import re
import signal
import subprocess
import threading
import urllib.request

import pytest

CLI = os.environ.get("SANBAO_CLI", "sanbao")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)


def run_json(*args):
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_holidays_bavaria_2027():
    r = run("calendar", "holidays", "DE-BY", "2027")
    assert r.returncode == 0, r.stderr
    assert "2027-01-06  Wed" in r.stdout  # Heilige Drei Könige, Bavaria only
    assert "2027-10-03  Sun" in r.stdout  # Tag der Deutschen Einheit
    data = run_json("calendar", "holidays", "DE-BY", "2027")
    assert data["calendar"] == "DE-BY"
    dates = [h["date"] for h in data["holidays"]]
    assert dates == sorted(dates)
    assert "2027-01-06" in dates
    berlin = run_json("calendar", "holidays", "DE-BE", "2027")
    assert "2027-01-06" not in [h["date"] for h in berlin["holidays"]]
    assert "2027-03-08" in [h["date"] for h in berlin["holidays"]]  # Frauentag


def test_add_days_with_rollover_explains_the_holiday():
    data = run_json("calendar", "add-days", "--jurisdiction", "DE-BE",
                    "--from", "2026-12-11", "--days", "14", "--rollover")
    assert data["day_n"] == "2026-12-25"
    assert data["result"] == "2026-12-28"
    assert data["result_weekday"] == "Mon"
    assert any("2026-12-25 (Fri) is a public holiday" in line for line in data["trace"])
    text = run("calendar", "add-days", "-j", "DE-BE", "--from", "2026-12-11",
               "--days", "14", "--rollover")
    assert text.returncode == 0
    assert "= 2026-12-28 (Mon)" in text.stdout


def test_add_days_without_rollover_keeps_the_holiday():
    data = run_json("calendar", "add-days", "--jurisdiction", "DE-BE",
                    "--from", "2026-12-11", "--days", "14")
    assert data["result"] == "2026-12-25"
    assert data["rollover"] is False


def test_add_business_days():
    data = run_json("calendar", "add-days", "--jurisdiction", "DE-BE",
                    "--from", "2026-12-23", "--days", "3", "--business")
    # 24 Dec is a working day; 25, 26 holidays; 27 Sunday; 28, 29 working.
    assert data["result"] == "2026-12-29"
    assert data["unit"] == "business_days"


def test_day_and_list():
    data = run_json("calendar", "day", "DE-BY", "2027-01-06")
    assert data["working_day"] is False
    assert data["holidays"][0]["regional"] is True
    ids = [c["id"] for c in run_json("calendar", "list")]
    assert "DE-BY" in ids and "US-CA" in ids and "CN" in ids


def test_deadline_counts_in_the_buyers_zone():
    late = run_json("deadline", "-j", "DE-BE", "-z", "Europe/Berlin",
                    "--delivered", "2026-12-11T23:30:00Z")
    assert late["delivered_local_date"] == "2026-12-12"
    assert late["last_day"] == "2026-12-28"
    assert late["deadline"] == "2026-12-28T22:59:59Z"


@pytest.mark.parametrize("args, needle", [
    (["calendar", "holidays", "XX-YY", "2027"], 'unknown calendar "XX-YY"'),
    (["calendar", "holidays", "DE-QQ", "2027"], "known for DE: DE, DE-BB"),
    (["calendar", "holidays", "DE", "1800"], "1800"),
    (["calendar", "holidays", "DE"], "year"),
    (["calendar", "add-days", "-j", "DE-BE", "--from", "2026-13-01", "--days", "3"],
     '"2026-13-01" is not a date'),
    (["calendar", "add-days", "-j", "DE-BE", "--from", "2026-12-01", "--days", "x"],
     "--days"),
    (["calendar", "add-days", "-j", "DE-BE", "--from", "2026-12-01"], "--days"),
    (["calendar", "add-days", "-j", "DE-BE", "--from", "2026-12-01", "--days", "3",
      "--business", "--rollover"], "--rollover"),
    (["calendar", "holidays", "CN", "2099"], "outside"),
    (["deadline", "-j", "DE-BE", "-z", "Mars/Olympus", "--delivered",
      "2026-12-11T10:00:00Z"], 'unknown time zone "Mars/Olympus"'),
    (["deadline", "-j", "DE-BE", "-z", "Europe/Berlin", "--delivered", "2026-12-11"],
     "RFC 3339"),
    (["calendar", "frobnicate"], "frobnicate"),
    ([], "subcommand"),
])
def test_bad_arguments_exit_2_with_one_line(args, needle):
    r = run(*args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("sanbao: ")
    assert needle in lines[0]
    assert r.stdout == ""


def test_help_and_version_exit_0():
    assert run("--help").returncode == 0
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == "0.1.0"


CASES = os.path.join(os.path.dirname(__file__), "..", "conformance", "cases")


def test_decide_case_file_json_and_explain():
    data = run_json("decide", os.path.join(CASES, "C01.json"))
    assert data["eligible"] is True
    assert data["basis"] == "statutory_withdrawal"
    assert data["deadline"] == "2026-12-28"
    assert data["citations"] and data["trace"]
    r = run("decide", "--explain", os.path.join(CASES, "C01.json"))
    assert r.returncode == 0, r.stderr
    assert "ELIGIBLE" in r.stdout and "2026-12-28 (Mon)" in r.stdout
    assert "Weihnachtstag" in r.stdout


def test_decide_reads_the_request_alone_from_stdin():
    with open(os.path.join(CASES, "C14.json")) as f:
        request = json.load(f)["request"]
    r = subprocess.run([CLI, "decide", "-"], input=json.dumps(request),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["eligible"] is False and data["exclusion"] == "personalised"


@pytest.mark.parametrize("mutate, needle", [
    (lambda r: r.update(colour="red"), "colour: unknown field"),
    (lambda r: r["claim"].update(sent_at="2026-12-32T10:00:00+01:00"), "claim.sent_at"),
    (lambda r: r["buyer"].update(jurisdiction="ATLANTIS"), "buyer.jurisdiction"),
    (lambda r: r["items"][0]["price"].update(currency="EUX"), "EUX"),
    (lambda r: r["buyer"].update(timezone="Mars/Olympus"), "Mars/Olympus"),
])
def test_decide_bad_input_exits_2_naming_the_field(mutate, needle):
    with open(os.path.join(CASES, "C01.json")) as f:
        request = json.load(f)["request"]
    mutate(request)
    r = subprocess.run([CLI, "decide", "-"], input=json.dumps(request),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr


def test_decide_missing_file_exits_2():
    r = run("decide", "/nonexistent/case.json")
    assert r.returncode == 2
    assert "cannot read" in r.stderr


def c01_request():
    with open(os.path.join(CASES, "C01.json")) as f:
        return json.load(f)["request"]


def decide_text(text, *args):
    return subprocess.run([CLI, "decide", "-", *args], input=text,
                          capture_output=True, text=True, timeout=60)


def decide_request(request, *args):
    return decide_text(json.dumps(request), *args)


def one_error_line(r):
    """The single "sanbao: ..." line a failing command prints."""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sanbao: "), r.stderr
    assert r.stdout == ""
    return lines[0]


# 100,000 items once took a minute to read (every id compared with every
# other, twice): reading is linear now, and the size is capped. The test
# checks the answer, not the time.
def test_decide_many_items_correctly_and_caps_the_request():
    request = c01_request()
    item = request["items"][0]
    request["contract"]["kind"] = "multi_item"
    request["items"] = [dict(item, id=f"item-{i}") for i in range(10000)]
    request["claim"]["item_ids"] = [f"item-{i}" for i in range(0, 10000, 2)]
    r = decide_request(request)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["eligible"] is True and data["deadline"] == "2026-12-28"
    assert data["refund"] == {"amount": "299500.00", "currency": "EUR"}  # 5000 x 59.90

    request["items"].append(dict(item, id="one-too-many"))
    r = decide_request(request)
    assert r.returncode == 2
    assert one_error_line(r) == \
        "sanbao: items: 10001 entries; at most 10000 are accepted"

    request = c01_request()
    request["items"][0]["category"] = "x" * (8 << 20)
    r = decide_request(request)
    assert r.returncode == 2
    assert one_error_line(r) == ("sanbao: the request (standard input) is larger "
                                 "than 8388608 bytes, the most accepted")


def test_decide_refuses_an_item_claimed_twice():
    request = c01_request()
    request["claim"]["item_ids"] = ["item-1", "item-1"]  # once refunded 119.80
    r = decide_request(request)
    assert r.returncode == 2
    assert "claim.item_ids[1]: \"item-1\" is claimed twice" in one_error_line(r)


# A price or shipping charge is money the buyer paid: never negative (a
# negative price made a negative refund, exit 0). The int64 minimum is
# negative too. Prices that add up past the int64 range are reported as an
# overflow, not as "different currencies".
@pytest.mark.parametrize("mutate, needle", [
    (lambda r: r["items"][0]["price"].update(amount="-59.90"),
     'items[0].price: -59.90 EUR is negative; a price paid is never negative'),
    (lambda r: r["items"][0]["price"].update(amount="-92233720368547758.08"),
     "items[0].price: -92233720368547758.08 EUR is negative"),
    (lambda r: r.update(shipping={"charged": {"amount": "-4.90", "currency": "EUR"}}),
     "shipping.charged: -4.90 EUR is negative"),
    (lambda r: r.update(shipping={"standard": {"amount": "-0.01", "currency": "EUR"}}),
     "shipping.standard: -0.01 EUR is negative"),
])
def test_decide_refuses_negative_amounts_paid(mutate, needle):
    request = c01_request()
    mutate(request)
    r = decide_request(request)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in one_error_line(r)


def test_decide_reports_an_overflow_as_an_overflow():
    request = c01_request()
    item = dict(request["items"][0], price={"amount": "92233720368547758.07",
                                            "currency": "EUR"})
    request["contract"]["kind"] = "multi_item"
    request["items"] = [dict(item, id="a"), dict(item, id="b")]
    request["claim"]["item_ids"] = []
    r = decide_request(request)
    assert r.returncode == 2
    line = one_error_line(r)
    assert "items: the prices of the claimed items add up to more than" in line
    assert "overflows" in line and "currencies" not in line
    # Different currencies are still named as such.
    request["items"][1]["price"] = {"amount": "1.00", "currency": "USD"}
    r = decide_request(request)
    assert r.returncode == 2
    assert "different currencies" in one_error_line(r)


# Boost.JSON keeps the last of two equal keys: a request or rules file that
# says a field twice is refused, naming the key and its path.
def test_decide_refuses_a_duplicate_key_naming_its_path():
    text = json.dumps(c01_request())
    text = text.replace('"jurisdiction": "DE-BE"',
                        '"jurisdiction": "DE-BE", "jurisdiction": "FR"', 1)
    r = decide_text(text)
    assert r.returncode == 2
    line = one_error_line(r)
    assert line.startswith('sanbao: buyer.jurisdiction: duplicate key "jurisdiction" '
                           '(line 1, column '), line
    assert line.endswith("a key may appear once")
    with open(os.path.join(CASES, "C01.json")) as f:
        case = f.read()
    r = decide_text(case.replace('"amount": "59.90"',
                                 '"amount": "59.90", "amount": "5990.00"'))
    assert r.returncode == 2
    assert 'request.items[0].price.amount: duplicate key "amount" (line 29' \
        in one_error_line(r)


def test_sync_rules_with_a_duplicate_key_name_its_path(tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text('{"auto_approve": {"max_value": {"USD": "150", "USD": "9999"}}}')
    r = run("sync", "--rules", str(rules), "--client-id", "a",
            "--client-secret", "b", "--refresh-token", "c")
    assert r.returncode == 2
    assert one_error_line(r).startswith(
        'sanbao: rules.auto_approve.max_value.USD: duplicate key "USD"')


# Every jurisdiction code and time zone is either decided as named, refused
# naming the field, or decided with a named warning; none follows national
# law or the host's clock without a word.
@pytest.mark.parametrize("field, value, needle", [
    ("buyer.jurisdiction", "DE-XX",
     'buyer.jurisdiction: "DE-XX" is not an ISO 3166-2 subdivision of DE'),
    ("buyer.jurisdiction", "US-ZZ",
     'buyer.jurisdiction: "US-ZZ" is not an ISO 3166-2 subdivision of US'),
    ("buyer.jurisdiction", "JP-Q9Z", "is not an ISO 3166-2 subdivision of JP"),
    ("seller.jurisdiction", "Atlantis",
     'seller.jurisdiction: "Atlantis" is not an ISO 3166 country code'),
    ("seller.jurisdiction", "DE-XX",
     'seller.jurisdiction: "DE-XX" is not an ISO 3166-2 subdivision of DE'),
    ("buyer.timezone", "localtime",
     'buyer.timezone: unknown time zone "localtime": "localtime" is the host\'s own zone'),
    ("buyer.timezone", "posix/Europe/Berlin",
     'buyer.timezone: unknown time zone "posix/Europe/Berlin"'),
    ("buyer.timezone", "Factory", 'unknown time zone "Factory"'),
])
def test_decide_refuses_unknown_places_and_zones(field, value, needle):
    request = c01_request()
    obj, key = field.split(".")
    request[obj][key] = value
    r = decide_request(request)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in one_error_line(r)


@pytest.mark.parametrize("field, value, warning", [
    ("buyer.jurisdiction", "de",
     'jurisdiction_code_normalised: buyer.jurisdiction "de" was read as "DE"'),
    ("buyer.jurisdiction", "de-by",
     'jurisdiction_code_normalised: buyer.jurisdiction "de-by" was read as "DE-BY"'),
    ("seller.jurisdiction", "de",
     'jurisdiction_code_normalised: seller.jurisdiction "de" was read as "DE"'),
    ("buyer.jurisdiction", "FR-51", "regional_calendar_missing: FR-51"),
])
def test_decide_names_in_a_warning_what_it_read_differently(field, value, warning):
    request = c01_request()
    obj, key = field.split(".")
    request[obj][key] = value
    r = decide_request(request)
    assert r.returncode == 0, r.stderr
    warnings = json.loads(r.stdout)["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith(warning), warnings
    r = decide_request(request, "--explain")
    assert r.returncode == 0, r.stderr
    assert "Warning: " + warning in r.stdout


def test_decide_accepts_real_places_and_iana_zones_without_a_word():
    for field, value in [("seller.jurisdiction", "KE"), ("seller.jurisdiction", "GB-SCT"),
                         ("buyer.timezone", "Etc/UTC"), ("buyer.jurisdiction", "DE-BY")]:
        request = c01_request()
        obj, key = field.split(".")
        request[obj][key] = value
        r = decide_request(request)
        assert r.returncode == 0, (value, r.stderr)
        assert json.loads(r.stdout)["warnings"] == [], value


def test_deadline_and_sync_rules_refuse_what_decide_refuses(tmp_path):
    r = run("deadline", "-j", "DE-BE", "-z", "localtime", "--delivered",
            "2026-12-11T10:00:00Z")
    assert r.returncode == 2
    assert 'unknown time zone "localtime"' in one_error_line(r)
    rules = tmp_path / "rules.json"
    rules.write_text('{"seller": {"jurisdiction": "Atlantis"}}')
    r = run("sync", "--rules", str(rules), "--client-id", "a",
            "--client-secret", "b", "--refresh-token", "c")
    assert r.returncode == 2
    assert one_error_line(r).startswith(
        'sanbao: rules.seller.jurisdiction: "Atlantis" is not an ISO 3166 country code')


# Invalid JSON once read "...: Success" (an error_code's message printed
# when the parser had stopped without one): the real error, with its place.
@pytest.mark.parametrize("text, needle", [
    ('{"buyer":', "invalid JSON at line 1, column 10: incomplete JSON"),
    ("", "invalid JSON at line 1, column 1: incomplete JSON"),
    ('{"a": 1} x', "invalid JSON at line 1, column 10: more data after the JSON value"),
    ('{\n  "a": tru\n}', "invalid JSON at line 2, column 8: syntax error"),
    ('{"a": 1,}', "invalid JSON at line 1, column 9: syntax error"),
])
def test_decide_invalid_json_names_the_error_and_place(text, needle):
    r = decide_text(text)
    assert r.returncode == 2
    line = one_error_line(r)
    assert "Success" not in line
    assert needle in line, line


# Control characters in a value came back raw in error messages: escape
# sequences could clear the terminal or fake a line of output.
def test_error_messages_and_explanations_escape_control_characters():
    request = c01_request()
    request["buyer"]["jurisdiction"] = "DE\x1b[2J\nsanbao: all good\u202e"
    r = decide_request(request)
    assert r.returncode == 2
    line = one_error_line(r)
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr
    assert '"DE\\x1B[2J\\x0Asanbao: all good\\u{202E}"' in line, line
    # What --explain prints quotes the request too (an exempt item's id).
    with open(os.path.join(CASES, "C14.json")) as f:
        request = json.load(f)["request"]
    request["items"][0]["id"] = "gift\x1b]0;owned\x07"
    request["claim"]["item_ids"] = [request["items"][0]["id"]]
    r = decide_request(request, "--explain")
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "Item gift\\x1B]0;owned\\x07 is exempt" in r.stdout, r.stdout


# Years of 10000 and more, and negative ones, were printed as dates
# ("10000-01-31", "-010-12-25"). Dates are read from 1900-01-01 to
# 9999-12-31, and what would be computed outside fails.
@pytest.mark.parametrize("args, needle", [
    (["calendar", "add-days", "-j", "DE", "--from", "9999-12-25", "--days", "14"],
     "14 days from 9999-12-25 fall outside the dates Sanbao handles, "
     "1900-01-01 to 9999-12-31"),
    (["calendar", "add-days", "-j", "DE", "--from", "0005-01-01", "--days", "-3660"],
     '"0005-01-01" is outside the dates Sanbao reads, 1900-01-01 to 9999-12-31'),
    (["calendar", "day", "DE", "1899-12-31"], '"1899-12-31" is outside the dates'),
    (["deadline", "-j", "DE", "-z", "Europe/Berlin", "--delivered",
      "9999-12-30T00:00:00Z", "--no-rollover"], "fall outside the dates Sanbao handles"),
    (["deadline", "-j", "DE", "-z", "Europe/Berlin", "--delivered",
      "0001-01-01T00:00:00Z"], '"0001-01-01T00:00:00Z" is outside the instants'),
    (["deadline", "-j", "DE", "-z", "Europe/Berlin", "--delivered",
      "9999-12-31T23:00:00-02:00"], "is outside the instants Sanbao reads"),
    (["law", "show", "DE", "--as-of", "1800-01-01"], '"1800-01-01" is outside the dates'),
])
def test_dates_outside_the_range_are_refused(args, needle):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in one_error_line(r)


def test_decide_refuses_a_deadline_past_9999():
    request = c01_request()
    request["contract"]["concluded_at"] = "9999-12-29T00:00:00Z"
    request["items"][0]["deliveries"] = ["9999-12-30T00:00:00Z"]
    request["claim"]["sent_at"] = "9999-12-31T00:00:00Z"
    request["settings"] = {"rollover": False}
    r = decide_request(request)
    assert r.returncode == 2
    assert "a date of this decision falls outside the dates Sanbao handles, " \
        "1900-01-01 to 9999-12-31" in one_error_line(r)
    request["claim"]["sent_at"] = "1899-12-31T00:00:00Z"
    r = decide_request(request)
    assert r.returncode == 2
    assert 'claim.sent_at: "1899-12-31T00:00:00Z" is outside the instants Sanbao ' \
        'reads, 1900-01-01T00:00:00Z to 9999-12-31T23:59:59Z' in one_error_line(r)


def test_sync_rules_file_size_is_capped(tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text('{"comments": {"approve": "' + "x" * (1 << 20) + '"}}')
    r = run("sync", "--rules", str(rules), "--client-id", "a",
            "--client-secret", "b", "--refresh-token", "c")
    assert r.returncode == 2
    assert "is larger than 1048576 bytes" in one_error_line(r)


# ---- the law: law list|show ----------------------------------------------

def test_law_list_text_and_json():
    r = run("law", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["ID", "NAME"]
    de = next(line for line in lines if line.startswith("DE "))
    assert "statute" in de and "EU" in de and "mixed" in de
    assert any(line.startswith("MP-EBAY ") and "marketplace policy" in line
               for line in lines)
    data = run_json("law", "list")
    by_id = {j["id"]: j for j in data}
    assert [j["id"] for j in data] == sorted(by_id)
    assert set(data[0]) == {"id", "name", "kind", "parent", "applies_to",
                            "calendar", "confidence"}
    assert by_id["DE"] == {**by_id["DE"], "kind": "statute", "parent": "EU",
                           "calendar": "DE", "applies_to": ["DE"]}
    assert by_id["EU"]["parent"] is None and by_id["EU"]["calendar"] is None
    assert by_id["EU"]["kind"] == "statute_baseline"
    assert "DE" in by_id["EU"]["applies_to"]
    assert by_id["MP-EBAY"]["kind"] == "marketplace_policy"
    assert len(r.stdout.splitlines()) == len(data) + 2  # header and count


def test_law_show_text_lists_rules_sources_and_confidence():
    r = run("law", "show", "DE")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("DE  Germany\n")
    assert "confidence  mixed" in out
    assert "parent EU" in out
    assert "\nwithdrawal  [DE-BGB-355" in out  # the official text first
    # confidence per rule, not only per record
    assert re.search(r"\nwithdrawal  \[DE-BGB-355[^\n]*\(confidence confirmed\)\n",
                     out), out
    assert re.search(r"\nguarantee  \[[^\n]*\(confidence memory\)\n", out), out
    assert "14 calendar days from delivery" in out
    assert "\nguarantee  [EU-SGD-ART10-11" in out
    assert re.search(r"after repair +a repair extends liability by 12 months"
                     r"  \(from 2026-07-31\)  \[EU-RTR\]", out), out
    assert "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024L1799" in out
    assert "left out" not in out  # without --as-of nothing is left out


def test_law_show_as_of_keeps_or_leaves_out_the_repair_extension():
    after = run_json("law", "show", "DE", "--as-of", "2026-08-01")
    assert after["as_of"] == "2026-08-01" and after["left_out"] == []
    guarantee = next(r for r in after["rules"] if r["rule"] == "guarantee")
    ext = [e for e in guarantee["elements"] if e["key"] == "after_repair"]
    assert ext == [{"key": "after_repair", "label": "after repair",
                    "text": "a repair extends liability by 12 months",
                    "sources": ["EU-RTR"], "valid_from": "2026-07-31",
                    "valid_to": None, "confidence": guarantee["confidence"]}]
    assert "EU-RTR" in [s["id"] for s in after["sources"]]

    before = run_json("law", "show", "EU", "--as-of", "2026-07-01")
    guarantee = next(r for r in before["rules"] if r["rule"] == "guarantee")
    assert "after_repair" not in [e["key"] for e in guarantee["elements"]]
    assert [(e["rule"], e["key"], e["valid_from"]) for e in before["left_out"]] \
        == [("guarantee", "after_repair", "2026-07-31")]
    text = run("law", "show", "DE", "--as-of", "2026-07-01").stdout
    assert "left out, not in force on 2026-07-01" in text
    assert "as of       2026-07-01" in text


def test_law_show_json_shape():
    data = run_json("law", "show", "MP-EBAY")
    assert set(data) == {"query", "record", "resolution", "jurisdiction", "as_of",
                         "rules", "left_out", "sources", "notes"}
    assert data["record"] == "MP-EBAY" and data["resolution"] is None
    assert data["as_of"] is None
    assert [r["rule"] for r in data["rules"]] == ["policy"]
    for rule in data["rules"]:
        assert set(rule) == {"rule", "sources", "confidence", "elements"}
        assert rule["confidence"] in {"confirmed", "secondary", "memory",
                                      "mixed"}
        for e in rule["elements"]:
            assert set(e) == {"key", "label", "text", "sources", "valid_from",
                              "valid_to", "confidence"}
    cited = {s for r in data["rules"] for s in r["sources"]}
    assert cited <= {s["id"] for s in data["sources"]}
    assert all(set(s) == {"id", "title", "where", "secondary"}
               for s in data["sources"])


def test_law_show_prints_marketplace_exemptions():
    data = run_json("law", "show", "MP-EBAY")
    policy = next(r for r in data["rules"] if r["rule"] == "policy")
    exempt = [e for e in policy["elements"]
              if e["key"] == "not_as_described_exemption"]
    assert [e["text"] for e in exempt] == [
        "motor vehicle (items marked motor_vehicle)",
        "real estate (items marked real_estate)"]
    assert all(e["sources"] == ["MP-EBAY-MBG-US"] for e in exempt)
    assert all(e["label"] == "not as described: exempt" for e in exempt)
    assert "defect_exemption" in [e["key"] for e in policy["elements"]]
    assert "pages.ebay.com" in {s["where"].split("/")[2]
                                for s in data["sources"]}
    text = run("law", "show", "MP-EBAY").stdout
    assert "motor vehicle (items marked motor_vehicle)" in text
    assert "real estate (items marked real_estate)" in text


def test_law_show_marks_secondary_sources():
    data = run_json("law", "show", "SA")
    by_id = {s["id"]: s for s in data["sources"]}
    assert by_id["SA-ECL"]["secondary"] is False  # the official text
    assert by_id["SA-ECL-LATE"]["secondary"] is True  # a newspaper report
    text = run("law", "show", "SA").stdout
    line = next(l for l in text.splitlines() if "alyaum.com" in l)
    assert line.endswith("(secondary: a note, never cited to buyers)"), line
    official = next(l for l in text.splitlines() if "laws.boe.gov.sa" in l)
    assert "secondary" not in official


def test_law_show_gb_and_subdivisions_say_which_record_is_used():
    gb = run_json("law", "show", "GB")
    assert gb["record"] == "UK" and gb["query"] == "GB"
    assert gb["resolution"] == "GB is recorded as UK"
    assert "GB is recorded as UK" in run("law", "show", "gb").stdout
    by = run_json("law", "show", "DE-BY")
    assert by["record"] == "DE"
    assert "DE-BY has no record of its own; DE applies" in by["resolution"]
    assert "calendar DE-BY" in by["resolution"]
    assert run_json("law", "show", "US-CA")["record"] == "US-CA"


@pytest.mark.parametrize("args, needle", [
    (("law", "show", "DX"), "no law known for \"DX\"; did you mean"),
    (("law", "show", "ATLANTIS"), "no law known for \"ATLANTIS\""),
    (("law", "show", "DE", "--as-of", "2026-13-01"), "2026-13-01"),
    (("law", "show"), "jurisdiction"),
])
def test_law_show_bad_input_exits_2_with_one_line(args, needle):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert r.stdout == ""


def test_law_show_unknown_id_lists_near_matches():
    r = run("law", "show", "DX")
    near = r.stderr.split("did you mean ")[1]
    assert "DE" in near and "DK" in near


# ---- the store: returns list|show, refund preview ---------------------------

@pytest.fixture
def demo_db(tmp_path):
    db = str(tmp_path / "sanbao.db")
    r = run("store", "seed-demo", "--db", db)
    assert r.returncode == 0, r.stderr
    # Seeding twice changes nothing (upserts and an idempotent refund).
    assert run("store", "seed-demo", "--db", db).returncode == 0
    return db


def test_returns_list_text_and_json(demo_db):
    r = run("returns", "list", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    assert "RMA-2" in r.stdout and "in_transit" in r.stdout
    assert "3 returns" in r.stdout
    data = run_json("returns", "list", "--db", demo_db)
    assert [x["id"] for x in data["returns"]] == ["RMA-1", "RMA-2", "RMA-3"]
    assert data["next_page_token"] == ""
    resolved = run_json("returns", "list", "--state", "resolved", "--db", demo_db)
    assert [(x["id"], x["resolution"]) for x in resolved["returns"]] == [("RMA-3", "refunded")]
    page = run_json("returns", "list", "--limit", "2", "--db", demo_db)
    assert len(page["returns"]) == 2 and page["next_page_token"] == "RMA-2"


def test_returns_show_with_history(demo_db):
    data = run_json("returns", "show", "RMA-2", "--db", demo_db)
    assert data["state"] == "in_transit"
    assert [h["to"] for h in data["history"]] == ["approved", "awaiting_shipment", "in_transit"]
    assert data["history"][2]["actor"] == "buyer"
    r = run("returns", "show", "RMA-3", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    assert "approved -> resolved (refunded)" in r.stdout


def test_refund_preview_uses_the_ledger(demo_db):
    # One of the two kettles was refunded already (RMA-3): 49.90 each.
    data = run_json("refund", "preview", "ORD-1001", "--lines", "A:1,B:1", "--db", demo_db)
    assert data["total"] == {"amount": "59.80", "currency": "EUR"}
    assert data["already_refunded"]["amount"] == "49.90"
    assert data["previous_refunds"] == 1
    assert sum(int(t["amount"]["amount"].replace(".", "")) for t in data["tenders"]) == 5980
    r = run("refund", "preview", "ORD-1001", "--lines", "A:1", "--db", demo_db)
    assert r.returncode == 0, r.stderr
    assert "Total: 49.90 EUR" in r.stdout
    # A preview records nothing.
    again = run_json("refund", "preview", "ORD-1001", "--lines", "A:1,B:1", "--db", demo_db)
    assert again["previous_refunds"] == 1


@pytest.mark.parametrize("args, needle", [
    (["returns", "show", "RMA-404"], "no return RMA-404"),
    (["returns", "list", "--state", "lost"], "not a return state"),
    (["refund", "preview", "ORD-404", "--lines", "A:1"], "no order ORD-404"),
    (["refund", "preview", "ORD-1001", "--lines", "A"], "LINE:QTY"),
    (["refund", "preview", "ORD-1001", "--lines", "A:0"], "LINE:QTY"),
    (["refund", "preview", "ORD-1001", "--lines", "Z:1"], "Z"),
    (["refund", "preview", "ORD-1001", "--lines", "A:2"], "left to refund"),
    (["refund", "preview", "ORD-1001", "--lines", "A:1", "--shipping", "some"], "--shipping"),
    (["refund", "preview", "ORD-1001"], "--lines"),
])
def test_store_commands_bad_input_exit_2(demo_db, args, needle):
    r = run(*args, "--db", demo_db)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr


def test_missing_store_exits_2_and_creates_nothing(tmp_path):
    db = tmp_path / "absent.db"
    r = run("returns", "list", "--db", str(db))
    assert r.returncode == 2
    assert r.stderr.strip() == f"sanbao: no store at {db}"
    assert not db.exists()


def test_corrupt_store_exits_1_and_is_left_alone(tmp_path):
    db = tmp_path / "garbage.db"
    db.write_bytes(b"not a database" * 500)
    r = run("returns", "list", "--db", str(db))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "corrupt" in lines[0], r.stderr
    assert db.read_bytes() == b"not a database" * 500


# Every command that takes --db, with what it needs to get as far as opening
# the store (the sync's credentials, the server's keys; nothing listens on
# port 9, and the store is refused before anything is sent).
DB_COMMANDS = {
    "returns list": ["returns", "list"],
    "returns show": ["returns", "show", "RMA-1"],
    "refund preview": ["refund", "preview", "ORD-1001", "--lines", "A:1"],
    "store seed-demo": ["store", "seed-demo"],
    "sync": ["sync", "--client-id", "a", "--client-secret", "b",
             "--refresh-token", "c", "--ebay-url", "http://127.0.0.1:9"],
    "webhooks serve": ["webhooks", "serve", "--port", "0"],
}
WRITING_COMMANDS = ["store seed-demo", "sync", "webhooks serve"]
READING_COMMANDS = ["returns list", "returns show", "refund preview"]
SERVE_ENV = {"SANBAO_EBAY_DEV_ID": "d", "SANBAO_EBAY_APP_ID": "a",
             "SANBAO_EBAY_CERT_ID": "c"}


def run_db(command, db, timeout=60):
    """Runs `command` on `db`; a server that did open the store is stopped."""
    env = dict(os.environ, **SERVE_ENV)
    proc = subprocess.Popen([CLI, *DB_COMMANDS[command], "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    if command == "webhooks serve":
        line = proc.stdout.readline()
        if line:  # it listens: it accepted the store
            proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def sidecars(db):
    return [s for s in ("-wal", "-shm", "-journal")
            if os.path.exists(str(db) + s)]


def damage_page_of(db, table):
    """Overwrites the first leaf page of `table` (by dbstat) with 0xA5."""
    import sqlite3
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        page, size = c.execute(
            "SELECT pageno, pgsize FROM dbstat WHERE name = ? ORDER BY pageno",
            (table,)).fetchone()
    data = bytearray(db.read_bytes())
    data[(page - 1) * size:page * size] = b"\xa5" * size
    db.write_bytes(bytes(data))
    return bytes(data)


# Pages no command reads before it writes: the old open wrote into each copy
# and exited 0.
@pytest.mark.parametrize("table", ["idempotency_keys", "refunds", "outbox",
                                   "sync_cursors", "returns_by_order"])
@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_a_damaged_store_is_refused_by_writing_commands_and_left_alone(
        tmp_path, command, table):
    db = tmp_path / "sanbao.db"
    assert run("store", "seed-demo", "--db", str(db)).returncode == 0
    damaged = damage_page_of(db, table)
    r = run_db(command, db)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "damaged" in r.stderr and "left untouched" in r.stderr, r.stderr
    assert db.read_bytes() == damaged
    assert sidecars(db) == []


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_reading_commands_never_create_or_change_a_file(tmp_path, command):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    r = run_db(command, empty)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "holds no Sanbao store" in lines[0], r.stderr
    assert empty.read_bytes() == b"" and sidecars(empty) == []
    db = tmp_path / "sanbao.db"
    assert run("store", "seed-demo", "--db", str(db)).returncode == 0
    before, mtime = db.read_bytes(), db.stat().st_mtime_ns
    r = run_db(command, db)
    assert r.returncode == 0, r.stderr
    assert db.read_bytes() == before and db.stat().st_mtime_ns == mtime
    assert sidecars(db) == []


@pytest.mark.parametrize("command", sorted(DB_COMMANDS))
def test_db_that_is_not_a_regular_file_exits_2(tmp_path, command):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    journal = os.path.exists("/dev/null-journal")
    for path, kind in [("/dev/null", "a character device"),
                       (tmp_path, "a directory"), (fifo, "a FIFO")]:
        r = run_db(command, path)
        assert r.returncode == 2, (path, r.returncode, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert f"{path} is {kind}, not a regular file" in lines[0]
    assert os.path.exists("/dev/null-journal") == journal
    assert sorted(os.listdir(tmp_path)) == ["fifo"]


@pytest.mark.parametrize("command", sorted(DB_COMMANDS))
def test_a_store_from_a_newer_sanbao_is_refused_and_left_alone(tmp_path, command):
    import sqlite3
    db = tmp_path / "sanbao.db"
    assert run("store", "seed-demo", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO schema_version VALUES (999, 0)")
    c.close()
    before = db.read_bytes()
    r = run_db(command, db)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "schema version 999" in r.stderr, r.stderr
    assert db.read_bytes() == before and sidecars(db) == []


@pytest.mark.parametrize("args, needle", [
    (["sync", "--page-size", "500"], "--page-size"),
    (["sync", "--rules", "/nonexistent/rules.json"], "--rules"),
    (["sync", "--ebay-url", "http://127.0.0.1:9"], "credentials are missing"),
    (["sandbox", "ebay", "--returns", "-5"], "returns"),
    (["sync", "--ebay-user", ""], "--ebay-user"),
    (["sync", "--no-notifications", "--ebay-user", "seller"], "excludes"),
    (["sync", "--http", "http2"], "--http"),
])
def test_sync_and_sandbox_bad_arguments_exit_2(args, needle, monkeypatch):
    for name in ("SANBAO_EBAY_CLIENT_ID", "SANBAO_EBAY_CLIENT_SECRET",
                 "SANBAO_EBAY_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    r = run(*args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert needle in lines[0]


def test_sync_rules_with_a_misspelt_key_name_the_field(tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text('{"refund_on_reciept": true}')
    r = run("sync", "--rules", str(rules), "--client-id", "a",
            "--client-secret", "b", "--refresh-token", "c")
    assert r.returncode == 2
    assert "rules.refund_on_reciept" in r.stderr


def start(tmp_path, name, *args, lines=1, env=None):
    """Starts a sanbao server on port 0 (stderr to tmp_path/NAME.err); returns
    it and the first `lines` lines it printed (the first names its URL)."""
    err_path = tmp_path / (name + ".err")
    with open(err_path, "w") as err:
        proc = subprocess.Popen([CLI, *args, "--port", "0"], stdout=subprocess.PIPE,
                                stderr=err, text=True, env=env)
    printed = []
    try:
        # readline blocks: a server that neither prints nor exits in 30 s is
        # killed, which ends the read.
        watchdog = threading.Timer(30, proc.kill)
        watchdog.start()
        try:
            while len(printed) < lines:
                line = proc.stdout.readline()
                if not line:
                    break
                printed.append(line)
        finally:
            watchdog.cancel()
        assert len(printed) == lines, err_path.read_text()
    except BaseException:
        stop(proc)
        raise
    return proc, printed


def url_of(lines):
    return "http://127.0.0.1:" + re.search(r"127\.0\.0\.1:(\d+)", "".join(lines)).group(1)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# Made-up platform notification keys for `sanbao webhooks serve`.
PLATFORM_KEYS = {"SANBAO_EBAY_DEV_ID": "TEST-DEV", "SANBAO_EBAY_APP_ID": "TEST-APP",
                 "SANBAO_EBAY_CERT_ID": "TEST-CERT"}


def sandbox_credentials(lines):
    """The environment for `sanbao sync` from the sandbox's "credentials:"
    line (client_id=... client_secret=... refresh_token=...)."""
    line = next(x for x in lines if x.startswith("credentials:"))
    fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    return {"SANBAO_EBAY_CLIENT_ID": fields["client_id"],
            "SANBAO_EBAY_CLIENT_SECRET": fields["client_secret"],
            "SANBAO_EBAY_REFRESH_TOKEN": fields["refresh_token"]}


def platform_notification(return_id, recipient):
    """A signed ReturnDelivered platform notification: NotificationSignature =
    base64(MD5(Timestamp + DevID + AppID + CertID))
    (https://developer.ebay.com/support/kb-article?KBid=1201)."""
    t = datetime.datetime.now(datetime.timezone.utc)
    timestamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    keys = "".join(PLATFORM_KEYS["SANBAO_EBAY_" + k] for k in ("DEV_ID", "APP_ID", "CERT_ID"))
    signature = base64.b64encode(hashlib.md5((timestamp + keys).encode()).digest()).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header><ebl:RequesterCredentials xmlns:ebl="urn:ebay:apis:eBLBaseComponents">
    <ebl:NotificationSignature>{signature}</ebl:NotificationSignature>
  </ebl:RequesterCredentials></soapenv:Header>
  <soapenv:Body><NotificationEvent>
    <Timestamp>{timestamp}</Timestamp>
    <NotificationEventName>ReturnDelivered</NotificationEventName>
    <RecipientUserID>{recipient}</RecipientUserID>
    <ReturnId>{return_id}</ReturnId>
  </NotificationEvent></soapenv:Body>
</soapenv:Envelope>
""".encode()


# A notification received by `sanbao webhooks serve` into the store's inbox
# is read by the next `sanbao sync`, once; with --ebay-user only by the sync
# of the seller it is addressed to.
def test_sync_reads_the_returns_announced_by_stored_notifications(tmp_path):
    db = str(tmp_path / "sanbao.db")
    # It prints its URL, then the credentials it accepts.
    sandbox, printed = start(tmp_path, "sandbox", "sandbox", "ebay", "--returns", "30",
                             "--seed", "3", lines=2)
    ebay_url = url_of(printed)
    env = {**os.environ, **sandbox_credentials(printed), **PLATFORM_KEYS}
    try:
        def sync(*extra):
            r = subprocess.run([CLI, "sync", "--ebay-url", ebay_url, "--db", db,
                                "--json", "--no-progress", *extra],
                               capture_output=True, text=True, timeout=60, env=env)
            assert r.returncode == 0, r.stderr
            summary = json.loads(r.stdout)
            assert summary["errors"] == 0, summary["error_messages"]
            return summary

        assert sync()["notices"] == 0
        return_id = run_json("returns", "list", "--db", db, "--limit", "1")["returns"][0]["external_id"]

        serve, printed = start(tmp_path, "serve", "webhooks", "serve", "--store", db,
                               "--quiet", env=env)
        hooks_url = url_of(printed)
        try:
            request = urllib.request.Request(
                hooks_url + "/webhooks/ebay/platform",
                data=platform_notification(return_id, "seller_a"),
                headers={"Content-Type": "text/xml; charset=utf-8",
                         "SOAPAction": '"ReturnDelivered"'})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 200
        finally:
            stop(serve)

        assert sync("--ebay-user", "seller_b")["notices"] == 0
        assert sync("--no-notifications")["notices"] == 0
        assert sync("--ebay-user", "seller_a")["notices"] == 1
        assert sync()["notices"] == 0  # handled: not read again
    finally:
        stop(sandbox)


# Both transports of `sync --http` sync every return (libcurl's own HTTP is
# the default; docs/adr/0006-http1-transport.md).
@pytest.mark.parametrize("http", ["libcurl", "http1"])
def test_sync_over_either_http_transport(tmp_path, http):
    db = str(tmp_path / "sanbao.db")
    sandbox, printed = start(tmp_path, "sandbox", "sandbox", "ebay", "--returns", "30",
                             "--seed", "5", lines=2)
    env = {**os.environ, **sandbox_credentials(printed)}
    try:
        r = subprocess.run([CLI, "sync", "--ebay-url", url_of(printed), "--db", db,
                            "--json", "--no-progress", "--http", http],
                           capture_output=True, text=True, timeout=60, env=env)
        assert r.returncode == 0, r.stderr
        summary = json.loads(r.stdout)
        assert summary["errors"] == 0, summary["error_messages"]
        assert summary["fetched"] == 30, summary
    finally:
        stop(sandbox)
    assert len(run_json("returns", "list", "--db", db, "--limit", "100")["returns"]) == 30


# The sync keeps the order behind every return and refunds through the refund
# calculator and ledger: `sanbao refund preview --return` works on any synced
# return, and a return whose units were refunded already has nothing left.
def test_refund_preview_works_on_every_synced_return(tmp_path):
    db = str(tmp_path / "sanbao.db")
    sandbox, printed = start(tmp_path, "sandbox", "sandbox", "ebay", "--returns", "40",
                             "--seed", "4", lines=2)
    env = {**os.environ, **sandbox_credentials(printed)}
    try:
        r = subprocess.run([CLI, "sync", "--ebay-url", url_of(printed), "--db", db,
                            "--json", "--no-progress"],
                           capture_output=True, text=True, timeout=60, env=env)
        assert r.returncode == 0, r.stderr
        summary = json.loads(r.stdout)
        assert summary["refunded"] > 0, summary
    finally:
        stop(sandbox)
    returns = run_json("returns", "list", "--db", db, "--limit", "100")["returns"]
    assert len(returns) == 40
    previewed = nothing_left = 0
    for ret in returns:
        p = subprocess.run([CLI, "refund", "preview", "--return", ret["id"], "--db", db,
                            "--json"], capture_output=True, text=True, timeout=30)
        if p.returncode == 2:
            # Refunded by the sync: the order's ledger has none of its units left.
            assert "left to refund" in p.stderr, p.stderr
            assert ret["resolution"] == "refunded", ret
            nothing_left += 1
            continue
        assert p.returncode == 0, p.stderr
        preview = json.loads(p.stdout)
        assert preview["order_id"] == ret["order_id"]
        assert float(preview["total"]["amount"]) > 0
        previewed += 1
    assert nothing_left == summary["refunded"]
    assert previewed > 0


class EchoingEbay:
    """A loopback server that grants a token and then answers every request
    with HTTP `status` and an error that echoes what it received: the
    request's Authorization header and the token request's Basic
    credentials, as a careless proxy or API gateway would."""

    ACCESS_TOKEN = "v^1.1#i^1#r^0#p^3#I^3#f^0#t^SECRET-ACCESS-TOKEN"

    def __init__(self, status):
        import http.server
        server = self
        self.basic = ""

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.startswith("/identity/v1/oauth2/token"):
                    server.basic = self.headers.get("Authorization", "")
                    self.answer(200, {"access_token": EchoingEbay.ACCESS_TOKEN,
                                      "expires_in": 7200, "token_type": "User Access Token"})
                else:
                    self.do_GET()

            def do_GET(self):
                self.answer(status, {"errors": [{
                    "errorId": 2004, "domain": "API", "category": "REQUEST",
                    "message": "Invalid request. You sent Authorization: "
                               + self.headers.get("Authorization", "")
                               + "\nand earlier auth=" + server.basic
                               + " with " + EchoingEbay.ACCESS_TOKEN,
                    "parameters": [{"name": "auth", "value": server.basic}]}]})

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


SECRETS = {"SANBAO_EBAY_CLIENT_ID": "sanbao-app",
           "SANBAO_EBAY_CLIENT_SECRET": "SECRET-CLIENT-SECRET",
           "SANBAO_EBAY_REFRESH_TOKEN": "v^1.1#i^1#SECRET-REFRESH-TOKEN"}


def leaked(text):
    """The credentials of SECRETS and EchoingEbay found in `text`."""
    basic = base64.b64encode(b"sanbao-app:SECRET-CLIENT-SECRET").decode()
    return [s for s in ("SECRET", basic, basic[:12]) if s in text]


# A remote error is printed as it arrived, so a server that echoes headers
# leaked the access token and the Basic credentials into sanbao's output.
@pytest.mark.parametrize("json_output", [False, True])
def test_sync_never_prints_credentials_a_server_echoes(tmp_path, json_output):
    server = EchoingEbay(400)
    try:
        r = subprocess.run([CLI, "sync", "--ebay-url", server.url, "--db",
                            str(tmp_path / "s.db"), "--no-progress",
                            *(["--json"] if json_output else [])],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, **SECRETS})
    finally:
        server.close()
    assert server.basic.startswith("Basic ")  # the token was asked for
    out = r.stdout + r.stderr
    assert "eBay answered HTTP 400" in out, out
    assert "Authorization: " in out and "***" in out, out
    assert leaked(out) == [], out
    assert "\x1b" not in out


class FailingProxy:
    """Forwards every request to `upstream`, except a GET of the first order
    it is asked for, which it answers 404 with an error that echoes the
    request's Authorization header."""

    def __init__(self, upstream):
        import http.client
        import http.server
        import urllib.parse
        target = urllib.parse.urlsplit(upstream)
        proxy = self
        self.failed = None
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, headers, body):
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "transfer-encoding",
                                            "connection", "date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.command == "GET" and self.path.startswith("/sell/fulfillment/v1/order/"):
                    order = self.path.split("?")[0].rsplit("/", 1)[1]
                    with proxy.lock:
                        if proxy.failed is None:
                            proxy.failed = order
                    if order == proxy.failed:
                        echo = json.dumps({"errors": [{
                            "errorId": 32100, "category": "REQUEST",
                            "message": "Order not found; request had Authorization: "
                                       + self.headers.get("Authorization", "")}]})
                        self.reply(404, [("Content-Type", "application/json")],
                                   echo.encode())
                        return
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection", "content-length")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.reply(answer.status, answer.getheaders(), data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = forward

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# One exit-code table for every command (README, "Exit codes"): 0 done,
# 1 failure, 2 usage, 3 partial. A remote HTTP 400 made `sync` exit 2, the
# code for bad arguments.
@pytest.mark.parametrize("status", [400, 404])
def test_sync_exits_1_when_the_marketplace_refuses_the_run(tmp_path, status):
    server = EchoingEbay(status)
    try:
        r = subprocess.run([CLI, "sync", "--ebay-url", server.url, "--db",
                            str(tmp_path / "s.db"), "--no-progress"],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, **SECRETS})
    finally:
        server.close()
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert f"eBay answered HTTP {status}" in one_error_line(r)
    assert leaked(r.stderr) == []


def test_sync_exits_3_when_some_returns_failed_and_0_when_none(tmp_path):
    db = str(tmp_path / "sanbao.db")
    sandbox, printed = start(tmp_path, "sandbox", "sandbox", "ebay", "--returns", "30",
                             "--seed", "5", lines=2)
    env = {**os.environ, **sandbox_credentials(printed)}
    try:
        proxy = FailingProxy(url_of(printed))
        try:
            r = subprocess.run([CLI, "sync", "--ebay-url", proxy.url, "--db", db,
                                "--json", "--no-progress", "--no-notifications"],
                               capture_output=True, text=True, timeout=120, env=env)
        finally:
            proxy.close()
        assert r.returncode == 3, (r.returncode, r.stderr)
        summary = json.loads(r.stdout)
        assert summary["fetched"] == 30
        assert summary["errors"] == 1, summary["error_messages"]
        assert summary["error_messages"][0].startswith(
            f"order {proxy.failed}: eBay answered HTTP 404"), summary
        assert re.search(r"Authorization: (Bearer|IAF) \*\*\* \(errorId 32100\)",
                         summary["error_messages"][0]), summary
        assert "v^1.1#" not in r.stdout  # the echoed access token
        # Without the failing proxy, nothing fails: 0.
        again = subprocess.run([CLI, "sync", "--ebay-url", url_of(printed), "--db", db,
                                "--json", "--no-progress", "--no-notifications"],
                               capture_output=True, text=True, timeout=120, env=env)
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["errors"] == 0
    finally:
        stop(sandbox)


@pytest.mark.parametrize("args, code", [
    (["calendar", "list"], 0),
    (["calendar", "holidays", "XX", "2027"], 2),
    (["deadline", "-j", "DE", "-z", "Europe/Berlin", "--delivered",
      "2026-12-11T10:00:00Z"], 0),
    (["deadline", "-j", "DE", "-z", "Europe/Berlin"], 2),
    (["decide", os.path.join(CASES, "C14.json")], 0),  # not eligible: still a decision
    (["decide", "/nonexistent.json"], 2),
    (["law", "list"], 0),
    (["law", "show", "DX"], 2),
    (["returns", "list", "--db", "/nonexistent/sanbao.db"], 2),
    (["sandbox", "ebay", "--threads", "0"], 2),
    (["sync", "--workers", "0"], 2),
    (["webhooks", "serve", "--port", "-1"], 2),
    (["frobnicate"], 2),
    (["--help"], 0),
])
def test_every_command_follows_the_exit_code_table(args, code):
    r = run(*args)
    assert r.returncode == code, (args, r.stdout, r.stderr)
    if code == 2:
        one_error_line(r)


def test_refund_preview_needs_an_order_or_a_return(tmp_path):
    db = str(tmp_path / "sanbao.db")
    run("store", "seed-demo", "--db", db)
    for args in (["refund", "preview", "--db", db],
                 ["refund", "preview", "X", "--return", "Y", "--db", db],
                 ["refund", "preview", "X", "--db", db]):
        r = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1, r.stderr
