"""sanbao webhooks serve over real TCP: signed eBay platform notifications
are stored exactly once; wrong signatures, replays, oversized bodies and slow
clients are refused and store nothing. Run by ctest with SANBAO_CLI pointing
at the binary."""
import base64
import datetime
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

import pytest

CLI = os.environ.get("SANBAO_CLI", "sanbao")

# Test credentials; the signature recipe is base64(MD5(Timestamp + DevID +
# AppID + CertID)), https://developer.ebay.com/support/kb-article?KBid=1201.
DEV, APP, CERT = "DEV-ID-0000-TEST", "SanbaoTe-Sanbao-PRD-0", "PRD-CERT-0000-TEST"
TOKEN = "71745723-d031-455c-bfa5-f90d11b4f20a"
ENDPOINT = "https://hooks.example.com/ebay/notifications"

# The shape of notification_return_created.soap.xml (shared fixtures).
SOAP = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <ebl:RequesterCredentials soapenv:mustUnderstand="0" xmlns:ebl="urn:ebay:apis:eBLBaseComponents">
      <ebl:NotificationSignature xmlns:ebl="urn:ebay:apis:eBLBaseComponents">{signature}</ebl:NotificationSignature>
    </ebl:RequesterCredentials>
  </soapenv:Header>
  <soapenv:Body>
    <NotificationEvent>
      <Timestamp>{timestamp}</Timestamp>
      <NotificationEventName>{event}</NotificationEventName>
      <RecipientUserID>sanbao_demo_seller</RecipientUserID>
      <ReturnId>{return_id}</ReturnId>
      <ReturnStatus>RETURN_REQUESTED</ReturnStatus>
    </NotificationEvent>
  </soapenv:Body>
</soapenv:Envelope>
"""


def timestamp(offset_seconds=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=offset_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def notification(return_id, ts=None, event="ReturnCreated", signature=None):
    ts = ts or timestamp()
    if signature is None:
        digest = hashlib.md5((ts + DEV + APP + CERT).encode()).digest()
        signature = base64.b64encode(digest).decode()
    return SOAP.format(signature=signature, timestamp=ts, event=event,
                       return_id=return_id).encode()


class Server:
    def __init__(self, *extra):
        self.dir = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.dir.name, "sanbao.db")
        env = dict(os.environ, SANBAO_EBAY_DEV_ID=DEV, SANBAO_EBAY_APP_ID=APP,
                   SANBAO_EBAY_CERT_ID=CERT,
                   SANBAO_EBAY_VERIFICATION_TOKEN=TOKEN,
                   SANBAO_EBAY_ENDPOINT_URL=ENDPOINT)
        self.proc = subprocess.Popen(
            [CLI, "webhooks", "serve", "--port", "0", "--store", self.db,
             "--threads", "2", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        match = re.search(r":(\d+)\s*$", line)
        assert match, (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.port = int(match.group(1))

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def post_platform(self, body):
        return self.request("POST", "/webhooks/ebay/platform", body,
                            {"Content-Type": "text/xml",
                             "SOAPAction": '"ReturnCreated"'})

    def stored(self):
        with sqlite3.connect(self.db) as db:
            return [row[0] for row in db.execute(
                "SELECT event_id FROM webhook_inbox ORDER BY seq")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.dir.cleanup()


@pytest.fixture
def server():
    s = Server("--max-body", "8192", "--read-timeout-ms", "300")
    yield s
    s.stop()


def test_valid_delivery_is_stored_exactly_once_even_when_delivered_twice(server):
    body = notification("5000012347")
    assert server.post_platform(body)[0] == 200
    assert server.post_platform(body)[0] == 200
    stored = server.stored()
    assert len(stored) == 1
    assert stored[0].startswith("5000012347:ReturnCreated:")


def test_wrong_signature_is_refused_and_nothing_stored(server):
    status, body = server.post_platform(
        notification("5000012347", signature="NQ5AJnRzfq7LEdkSoqwnDA=="))
    assert status == 401
    assert json.loads(body)["error"]["reason"] == "WEBHOOK_SIGNATURE_INVALID"
    status, _ = server.post_platform(notification("5000012347", signature=""))
    assert status == 401
    assert server.stored() == []


def test_replayed_delivery_with_an_old_timestamp_is_refused(server):
    status, body = server.post_platform(
        notification("5000012347", ts=timestamp(-3600)))
    assert status == 400
    assert json.loads(body)["error"]["reason"] == "WEBHOOK_STALE"
    assert server.stored() == []


def test_oversized_body_is_413_and_nothing_stored(server):
    body = notification("5000012347").replace(
        b"<ReturnStatus>", b"<!--" + b"x" * 10000 + b"--><ReturnStatus>")
    status, _ = server.post_platform(body)
    assert status == 413
    assert server.stored() == []


def test_slow_client_is_cut_off_and_nothing_stored(server):
    body = notification("5000012347")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
    try:
        sock.sendall(b"POST /webhooks/ebay/platform HTTP/1.1\r\nHost: t\r\n"
                     b"Content-Type: text/xml\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:50])
        # The rest never comes: the server closes the connection (EOF or
        # reset) instead of waiting; the 20 s socket timeout only keeps a
        # broken server from hanging the test.
        try:
            data = sock.recv(1024)
        except ConnectionResetError:
            data = b""
        assert data == b""
    finally:
        sock.close()
    assert server.stored() == []


def test_healthz_unknown_route_and_commerce_challenge(server):
    assert server.request("GET", "/healthz")[0] == 200
    assert server.request("POST", "/webhooks/nope", b"x")[0] == 404
    code = "a8628072-3d33-45ee-9004-bee86830a22d"
    status, body = server.request(
        "GET", "/webhooks/ebay/commerce?challenge_code=" + code)
    assert status == 200
    # Vector of notification_commerce_account_deletion.vector.json.
    assert json.loads(body) == {"challengeResponse": hashlib.sha256(
        (code + TOKEN + ENDPOINT).encode()).hexdigest()}
    assert json.loads(body)["challengeResponse"] == (
        "745ba345e901047da35fb682582c8d68583277de5e331780738867e73889722a")
    # A commerce delivery without X-EBAY-SIGNATURE: 412 as eBay's SDK.
    assert server.request("POST", "/webhooks/ebay/commerce", b"{}",
                          {"Content-Type": "application/json"})[0] == 412
    assert server.stored() == []


def test_each_route_takes_only_its_documented_content_types(server):
    body = notification("5000012347")
    for content_type in ("application/json", "text/plain",
                         "application/x-www-form-urlencoded", None):
        headers = {"SOAPAction": '"ReturnCreated"'}
        if content_type is not None:
            headers["Content-Type"] = content_type
        status, answer = server.request("POST", "/webhooks/ebay/platform",
                                        body, headers)
        assert status == 415, content_type
        assert json.loads(answer)["error"]["reason"] == (
            "WEBHOOK_UNSUPPORTED_MEDIA_TYPE")
    status, _ = server.request("POST", "/webhooks/ebay/commerce", b"{}",
                               {"Content-Type": "text/xml"})
    assert status == 415
    assert server.stored() == []
    # As eBay sends it (Platform Notifications Guide, "HTTP Header").
    status, _ = server.request("POST", "/webhooks/ebay/platform", body,
                               {"Content-Type": 'text/xml; charset="utf-8"'})
    assert status == 200
    assert len(server.stored()) == 1


def test_text_that_is_not_utf8_is_refused_and_nothing_stored(server):
    # eBay signs only the Timestamp: the ReturnId is not covered.
    body = notification("5000012347").replace(b"5000012347", b"50000\xff12347")
    status, answer = server.post_platform(body)
    assert status == 400
    assert json.loads(answer)["error"]["reason"] == "WEBHOOK_MALFORMED"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("POST", "/webhooks/ebay/platform")
        body = notification("5000012348")
        for name, value in [("Content-Type", b"text/xml"),
                            ("Content-Length", str(len(body)).encode()),
                            ("X-Note", b"caf\xe9")]:
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        assert response.status == 400
        error = json.loads(response.read())["error"]
        assert error["reason"] == "WEBHOOK_MALFORMED", error
    finally:
        conn.close()
    assert server.stored() == []


CREDENTIALS = {
    "Authorization": "Bearer v^1.1#i^1#secret-user-token",
    "Proxy-Authorization": "Basic dXNlcjpwYXNzd29yZA==",
    "Cookie": "session=cookie-secret-1",
    "X-Api-Key": "sk_live_api_key_2",
    "X-Auth-Token": "auth-token-3",
    "X-Client-Secret": "client-secret-4",
    "X-Shopify-Access-Token": "shpat_access_5",
}


def test_credential_headers_are_stored_redacted(server):
    headers = {"Content-Type": "text/xml", "SOAPAction": '"ReturnCreated"',
               "X-Request-Id": "req-1", **CREDENTIALS}
    status, _ = server.request("POST", "/webhooks/ebay/platform",
                               notification("5000012347"), headers)
    assert status == 200
    with sqlite3.connect(server.db) as db:
        (stored,) = db.execute("SELECT headers FROM webhook_inbox").fetchone()
    kept = {name.lower(): value for name, value in json.loads(stored)}
    for name, value in CREDENTIALS.items():
        assert kept[name.lower()] == "[redacted]", name
        assert value not in stored
    assert kept["x-request-id"] == "req-1"
    assert kept["soapaction"] == '"ReturnCreated"'
    with open(server.db, "rb") as f:
        data = f.read()
    for value in CREDENTIALS.values():
        assert value.encode() not in data


class FakeEbay:
    """eBay's token and public key endpoints on 127.0.0.1, counting calls:
    it knows no key (404)."""

    def __init__(self):
        import http.server
        import threading
        self.paths = []
        fake = self

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
                fake.paths.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.answer(200, {"access_token": "app-token", "expires_in": 7200,
                                  "token_type": "Application Access Token"})

            def do_GET(self):
                fake.paths.append(self.path)
                self.answer(404, {"errors": [{"errorId": 195000}]})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def key_fetches(self):
        return [p for p in self.paths if "/public_key/" in p]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def forged_commerce_header(kid):
    return base64.b64encode(json.dumps(
        {"alg": "ECDSA", "kid": kid, "signature": "Zm9yZ2Vk",
         "digest": "SHA1"}).encode()).decode()


# 300 forged commerce deliveries, each naming a new key id, used to cost 300
# authenticated calls to eBay; a key id of ".." was put into the key URL.
def test_forged_commerce_deliveries_cause_a_bounded_number_of_calls_to_ebay():
    ebay = FakeEbay()
    s = Server("--ebay-url", ebay.url, "--client-id", "id",
               "--client-secret", "secret", "--quiet")
    try:
        body = b'{"metadata":{"topic":"X"},"notification":{"notificationId":"n"}}'
        started = time.monotonic()
        statuses = []
        for i in range(300):
            kid = f"{i:08x}-0000-4000-8000-{i:012x}"
            status, _ = s.request("POST", "/webhooks/ebay/commerce", body, {
                "Content-Type": "application/json",
                "X-EBAY-SIGNATURE": forged_commerce_header(kid)})
            statuses.append(status)
        for kid in ("..", "../../identity/v1/oauth2/token", "a/b"):
            status, _ = s.request("POST", "/webhooks/ebay/commerce", body, {
                "Content-Type": "application/json",
                "X-EBAY-SIGNATURE": forged_commerce_header(kid)})
            assert status == 412
        # key_fetch_burst (5) fetches, then 503 + Retry-After while the
        # bucket refills one fetch per 10 s: the bound grows with the time
        # the loop took (a slow machine), never with the number of requests.
        bound = 5 + int((time.monotonic() - started) / 10) + 1
        assert 5 <= len(ebay.key_fetches()) <= bound, ebay.paths
        assert len(ebay.paths) - len(ebay.key_fetches()) <= 1  # one token
        assert set(statuses) <= {412, 503}
        assert statuses.count(412) == len(ebay.key_fetches())
        assert all(".." not in p for p in ebay.paths)
        assert s.stored() == []
    finally:
        s.stop()
        ebay.stop()


def test_sigterm_stops_gracefully():
    s = Server()
    try:
        assert s.post_platform(notification("1"))[0] == 200
        s.proc.send_signal(signal.SIGTERM)
        assert s.proc.wait(timeout=30) == 0
        assert "stored 1" in s.proc.stderr.read()
        assert len(s.stored()) == 1
    finally:
        s.stop()


def test_bad_arguments_exit_2():
    r = subprocess.run([CLI, "webhooks", "serve"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANBAO_EBAY")}
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([CLI, "webhooks", "serve", "--port", "0", "--store",
                            os.path.join(d, "s.db")], capture_output=True,
                           text=True, timeout=60, env=env)
        assert r.returncode == 2
        assert "CLI_MISSING_CREDENTIALS" in r.stderr or "credentials" in r.stderr


def test_taken_port_fails_with_a_status():
    s = Server()
    try:
        env = dict(os.environ, SANBAO_EBAY_DEV_ID=DEV, SANBAO_EBAY_APP_ID=APP,
                   SANBAO_EBAY_CERT_ID=CERT)
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([CLI, "webhooks", "serve", "--port", str(s.port),
                                "--store", os.path.join(d, "s.db")],
                               capture_output=True, text=True, timeout=60,
                               env=env)
        assert r.returncode == 1
        assert "SERVER_BIND_FAILED" in r.stderr or "bind" in r.stderr
    finally:
        s.stop()
