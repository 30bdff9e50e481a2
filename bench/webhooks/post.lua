-- wrk script: every request is a new, validly signed eBay platform
-- notification (ReturnCreated) for a distinct ReturnId, so that each one is
-- really verified and enqueued durably. The signature
-- base64(MD5(Timestamp + DevID + AppID + CertID))
-- (https://developer.ebay.com/support/kb-article?KBid=1201) covers only the
-- Timestamp and the application keys, so run.sh computes it once for a
-- fresh Timestamp and passes both in the environment.
local timestamp = os.getenv("SANBAO_BENCH_TIMESTAMP")
local signature = os.getenv("SANBAO_BENCH_SIGNATURE")
local run = os.getenv("SANBAO_BENCH_RUN") or "0"

local template = [[<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <ebl:RequesterCredentials soapenv:mustUnderstand="0" xmlns:ebl="urn:ebay:apis:eBLBaseComponents">
      <ebl:NotificationSignature xmlns:ebl="urn:ebay:apis:eBLBaseComponents">%s</ebl:NotificationSignature>
    </ebl:RequesterCredentials>
  </soapenv:Header>
  <soapenv:Body>
    <NotificationEvent>
      <Timestamp>%s</Timestamp>
      <NotificationEventName>ReturnCreated</NotificationEventName>
      <RecipientUserID>sanbao_bench_seller</RecipientUserID>
      <ReturnId>%s-%d-%d</ReturnId>
      <ReturnStatus>RETURN_REQUESTED</ReturnStatus>
    </NotificationEvent>
  </soapenv:Body>
</soapenv:Envelope>
]]

local headers = {
  ["Content-Type"] = "text/xml; charset=utf-8",
  ["SOAPAction"] = '"ReturnCreated"',
}

local next_thread = 0
function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

local counter = 0
function request()
  counter = counter + 1
  local body = string.format(template, signature, timestamp, run,
                             thread_id or 0, counter)
  return wrk.format("POST", "/webhooks/ebay/platform", headers, body)
end
