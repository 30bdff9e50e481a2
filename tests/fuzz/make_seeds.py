#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/) from
the repository's own fixtures and data: the worked legal cases' requests,
the law and holiday data, the eBay wire fixtures, and a few hand-made inputs.
Inputs the fuzzer finds worth keeping are added to the same folders by
`./run fuzz`; crash reproducers go to tests/fuzz/regressions/<target>/.

usage: tests/fuzz/make_seeds.py [--order-json FILE]
  --order-json: an eBay Fulfillment getOrder body (the eBay sandbox's) to
  seed ebay_rest's order parser with.
"""
import argparse
import glob
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, data, name=None):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--order-json")
    a = ap.parse_args()

    for path in sorted(glob.glob(os.path.join(ROOT, "tests/conformance/*/*.json"))):
        case = json.load(open(path))
        if isinstance(case, dict) and "request" in case:
            put("decision_request", json.dumps(case["request"], ensure_ascii=False),
                os.path.basename(path))
    put("decision_request", "{}", "empty_object")

    for code, amount in [("EUR", "84.90"), ("JPY", "1000"), ("USD", "-0.01"),
                         ("BHD", "1.234"), ("XAU", "1"), ("EUR", "9223372036854775807")]:
        put("money_time", f"{code}\0{amount}", f"{code}_{amount}")
    for text in ["2026-12-07", "2026-12-07T10:00:00+01:00", "2026-12-07T10:00:00Z",
                 "1970-01-01T00:00:00.000Z", "9999-12-31"]:
        put("money_time", f"EUR\0{text}", text.replace(":", "_"))

    for i, path in enumerate(sorted(glob.glob(os.path.join(ROOT, "sdk/data/jurisdictions/*.json")))):
        if i % 4 == 0:
            put("law_data", b"\0" + read(path), "jurisdiction_" + os.path.basename(path))
    for i, path in enumerate(sorted(glob.glob(os.path.join(ROOT, "sdk/data/holidays/*.json")))):
        if i % 4 == 0:
            put("law_data", b"\1" + read(path), "holidays_" + os.path.basename(path))
    put("law_data", b"\2" + read("sdk/data/subdivisions/ISO3166-2.json"), "subdivisions")

    put("seller_rules", read("examples/returns_sync/rules.json"), "example_rules.json")
    put("seller_rules", '{"auto_approve": {"when_eligible": false}, "refund_on_receipt": false}',
        "ingest_rules.json")

    ebay = "tests/fixtures/marketplaces/ebay/"
    for name in ["return_search_page1.json", "return_search_page2.json"]:
        put("ebay_rest", b"\0" + read(ebay + name), "search_" + name)
    put("ebay_rest", b"\1" + read(ebay + "return_get_cross_border.json"), "detail_cross_border.json")
    if a.order_json:
        with open(a.order_json, "rb") as f:
            put("ebay_rest", b"\2" + f.read(), "order_sandbox.json")

    put("ebay_platform", read(ebay + "notification_return_created.soap.xml"), "return_created.xml")

    vector = json.loads(read(ebay + "notification_commerce_account_deletion.vector.json"))
    body = read(ebay + "notification_commerce_account_deletion.body")
    put("ebay_commerce", vector["header_value"].encode() + b"\0" + body, "account_deletion")
    put("ebay_commerce", b"\0\0/ebay/commerce?challenge_code=abc123", "challenge")

    for name, raw in [
        ("get", "GET /ebay/commerce?challenge_code=x HTTP/1.1\r\nHost: h\r\n\r\n"),
        ("post", "POST /ebay/platform HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\n"
                 "Content-Length: 5\r\n\r\nhello"),
        ("chunked", "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n"),
        ("pipelined", "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /bb HTTP/1.1\r\nHost: h\r\n"
                      "Connection: close\r\n\r\n"),
        ("http10", "GET / HTTP/1.0\r\n\r\n"),
    ]:
        put("http_server", raw, name)


if __name__ == "__main__":
    main()
