#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/<target>/ from the test data (tests/data, tests/interop).

A handful of small files per target (a few KB each): enough to start every parser on its happy path
and a few refusals; libFuzzer finds the rest. Run from anywhere: python3 fuzz/make_corpus.py
"""
import base64
import json
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")


def load(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return json.load(f)


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name.replace("/", "_")), "wb") as f:
        f.write(data)


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def payload_of(token):
    seg = token.split(".")[1]
    return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    jose = load("tests/data/jose/tokens.json")
    tokens = jose["tokens"]
    jwks = load("tests/data/jose/jwks.json")

    # jwt: valid tokens of each family, an access token, and a few refusals
    for name in ["valid.ES256", "valid.ES384", "valid.ES512", "valid.RS256", "valid.PS256", "at.valid",
                 "claims.expired", "attack.none"]:
        write("jwt", name, tokens[name])
    # '{' inputs are `header NUL payload`, signed by the target itself (ES256, kid "fuzz-ec")
    id_claims = {"iss": jose["issuer"], "sub": "user-1", "aud": jose["client_id"], "iat": jose["T"],
                 "exp": jose["T"] + 3600, "nonce": jose["nonce"]}
    write("jwt", "signed-id-token", compact({"alg": "ES256", "kid": "fuzz-ec", "typ": "JWT"}) + "\0" + compact(id_claims))
    at_claims = {"iss": jose["issuer"], "sub": "user-1", "aud": [jose["resource"], "x"], "iat": jose["T"],
                 "exp": jose["T"] + 100, "scope": "read write", "client_id": jose["client_id"]}
    write("jwt", "signed-access-token", compact({"alg": "ES256", "typ": "at+jwt"}) + "\0" + compact(at_claims))

    # api_authorization: byte 0 (bit 0: any-organization verifier), then an Authorization header value
    write("api_authorization", "bearer-at.valid", "\0Bearer " + tokens["at.valid"])
    write("api_authorization", "bare-at.rs256", "\0" + tokens["at.rs256"])
    write("api_authorization", "lowercase-at.short", "\0bearer  " + tokens["at.short"])
    write("api_authorization", "basic", "\0Basic dXNlcjpwYXNz")
    write("api_authorization", "bearer-empty", "\0Bearer ")
    write("api_authorization", "organization-at.valid", "\1Bearer " + tokens["at.valid"])
    write("api_authorization", "bearer-none", "\0Bearer " + tokens["attack.none"])

    # jwks: the small fixture sets, plus the EC keys and the 2048-bit RSA key of jwks.json
    for name in ["jwks-single.json", "jwks-two-p384.json"]:
        with open(os.path.join(ROOT, "tests/data/jose", name), "rb") as f:
            write("jwks", name, f.read())
    keep = [k for k in jwks["keys"] if isinstance(k, dict) and k.get("kid") in ("ec-p256", "ec-p384", "ec-p521", "rsa-2048")]
    write("jwks", "jwks-subset.json", compact({"keys": keep}))
    write("jwks", "jwks-unsupported.json",
          compact({"keys": [k for k in jwks["keys"] if isinstance(k, dict) and k.get("kid") in ("ed-1", "hmac-1", "k1-1")]}))

    # claims: payloads (JSON) of ID tokens and access tokens
    for name in ["valid.ES256", "claims.aud-array-azp", "claims.exp-fraction", "claims.nbf-past", "at.valid",
                 "claims.aud-number"]:
        write("claims", name, payload_of(tokens[name]))

    # oidc_response: byte 0 = parser (0 discovery, 1 token, 2 userinfo, 3 device auth, 4 device token,
    # 5 revocation), byte 1 = status index (0 -> 200, 6 -> 400, 10 -> 429)
    iss = jose["issuer"]
    discovery = {"issuer": iss, "authorization_endpoint": iss + "/auth", "token_endpoint": iss + "/token",
                 "userinfo_endpoint": iss + "/me", "end_session_endpoint": iss + "/session/end",
                 "revocation_endpoint": iss + "/token/revocation", "jwks_uri": iss + "/jwks",
                 "device_authorization_endpoint": iss + "/device/auth",
                 "authorization_response_iss_parameter_supported": True}
    write("oidc_response", "discovery", b"\x00\x00" + compact(discovery).encode())
    token_body = {"access_token": tokens["at.valid"], "refresh_token": "rt-1", "id_token": tokens["valid.ES384"],
                  "scope": "openid offline_access", "expires_in": 3600, "token_type": "Bearer"}
    write("oidc_response", "token", b"\x01\x00" + compact(token_body).encode())
    write("oidc_response", "token-error", b"\x01\x06" + compact(
        {"code": "oidc.invalid_grant", "message": "Grant request is invalid.", "error": "invalid_grant"}).encode())
    write("oidc_response", "userinfo", b"\x02\x00" + compact(
        {"sub": "user-1", "name": "A", "email": "a@example.com", "email_verified": True, "roles": ["admin"]}).encode())
    write("oidc_response", "device", b"\x03\x00" + compact(
        {"device_code": "GmRhmhcxhwAzkoEqiMEg", "user_code": "WDJB-MJHT", "verification_uri": iss + "/device",
         "verification_uri_complete": iss + "/device?user_code=WDJB-MJHT", "expires_in": 1800, "interval": 5}).encode())
    write("oidc_response", "device-pending", b"\x04\x06" + compact(
        {"error": "authorization_pending", "error_description": "waiting"}).encode())
    write("oidc_response", "revocation-429", b"\x05\x0aToo Many Requests")

    # callback: byte 0 (bit 0: issuer set, bits 0+1: issuer required), then redirect \n state \n callback
    write("callback", "fixed-redirect", b"\x00https://app.example/callback?code=abc&state=s-t-a-t-e")
    write("callback", "with-iss", b"\x03https://app.example/cb\nst-1\nhttps://APP.example:443/cb?state=st-1&code=c%2B1"
          b"&iss=https%3A%2F%2Ftenant.logto.app%2Foidc#frag")
    write("callback", "error", b"\x00https://app.example/callback?error=access_denied&error_description=no+way")
    write("callback", "custom-scheme", b"\x00io.logto.app:/cb?x=1\nst\nio.logto.app:/cb?x=1&code=q&state=st")

    # storage: byte 0 = 0 signInSession, 1 accessToken map, 2 stored idToken
    write("storage", "sign-in-session", b"\x00" + compact(
        {"redirectUri": "https://app.example/callback", "postRedirectUri": "https://app.example/",
         "codeVerifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "state": "s-t-a-t-e"}).encode())
    write("storage", "access-token-map", b"\x01" + compact(
        {"@": {"token": "opaque", "scope": "", "expiresAt": 1700003600},
         "@https://api.example.com": {"token": tokens["at.valid"], "scope": "read", "expiresAt": 1700003600.5},
         "@#org-1": {"token": "t2", "scope": "", "expiresAt": 1e21}}).encode())
    write("storage", "id-token", b"\x02" + tokens["valid.ES256"].encode())

    # connector_config / connector_response from the connector differential cases
    cases = load("tests/interop/connectors/cases.json")
    index = {"aliyun-sms": 0, "aliyun-dm": 1, "tencent-sms": 2, "twilio-sms": 3, "smtp": 4}
    seen = set()
    for case in cases["request_cases"] + cases["config_cases"]:
        kind = case["connector"]
        key = (kind, "request" if case in cases["request_cases"] else "config")
        if key in seen:
            continue
        seen.add(key)
        write("connector_config", case["name"], bytes([index[kind]]) + compact(case["config"]).encode())
    smtp_cases = load("tests/interop/smtp/cases.json")["cases"]
    for case in smtp_cases:
        if case["name"] in ("chinese-html-base64", "custom-headers"):
            write("connector_config", "smtp_" + case["name"], b"\x04" + compact(case["config"]).encode())
    statuses = [200, 201, 204, 299, 300, 304, 400, 401, 403, 404, 429, 500, 502, 503, 0, 199]
    picked = ["aliyun-sms/response/success", "aliyun-sms/response/business-limit-control",
              "aliyun-dm/response/success", "aliyun-dm/response/http-400-json-error", "tencent-sms/response/success",
              "tencent-sms/response/response-error", "twilio-sms/response/http-400-json-error"]
    for case in cases["response_cases"]:
        if case["name"] in picked:
            r = case["response"]
            write("connector_response", case["name"],
                  bytes([index[case["connector"]], statuses.index(r["status"])]) + r["body"].encode())

    # smtp_client: byte 0 = options (8: credentials, 2: requireTLS, 4: ignoreTLS), byte 1 = more options
    # (1: no QUIT, 2: allow_cleartext), then server reads split at NUL
    ehlo = b"250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    write("smtp_client", "starttls-auth-plain", b"\x08\x00" + b"\x00".join([
        b"220 mail.example.com ESMTP\r\n", ehlo + b"250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n", b"220 2.0.0 Ready\r\n",
        ehlo + b"250 AUTH PLAIN LOGIN\r\n", b"235 2.7.0 Accepted\r\n", b"250 2.1.0 OK\r\n", b"250 2.1.5 OK\r\n",
        b"354 End data with <CR><LF>.<CR><LF>\r\n", b"250 2.0.0 OK: queued as 12345\r\n", b"221 2.0.0 Bye\r\n"]))
    write("smtp_client", "auth-login-cleartext", b"\x0c\x00" + b"\x00".join([
        b"220 mail.example.com ESMTP\r\n", ehlo + b"250 AUTH LOGIN\r\n", b"334 VXNlcm5hbWU6\r\n",
        b"334 UGFzc3dvcmQ6\r\n", b"235 OK\r\n", b"250 OK\r\n", b"250 OK\r\n", b"354 go\r\n", b"250 OK\r\n"]))
    write("smtp_client", "xoauth2-error", b"\x1d\x01" + b"\x00".join([
        b"220 ready\r\n", ehlo + b"250 AUTH XOAUTH2\r\n",
        b"334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\r\n", b"535 5.7.8 Authentication failed\r\n"]))
    write("smtp_client", "helo-fallback-rcpt-refused", b"\x00\x02" + b"\x00".join([
        b"220 old server\r\n", b"502 5.5.2 Error: command not recognized\r\n", b"250 old.example\r\n",
        b"250 OK\r\n", b"550 5.1.1 No such user\r\n"]))

    # address: address fields from the SMTP cases (fromEmail and friends)
    fields = set()
    for case in smtp_cases:
        cfg = case["config"]
        for value in (cfg.get("fromEmail"), cfg.get("replyTo")):
            if isinstance(value, str):
                fields.add(value)
    for i, value in enumerate(sorted(fields)[:8]):
        write("address", "field-%d" % i, value)
    write("address", "group-and-idn", '"J\u00fcrgen, M" <j@B\u00fccher.example>, team: a@x.example, b@y.example;')

    # mime_header: byte 0 (bit 0: HTML), then subject NUL custom header value NUL body, from the SMTP cases
    for case in smtp_cases:
        if case["name"] not in ("plain-ascii-text", "chinese-html-base64", "german-quoted-printable",
                                "subject-long-chinese", "subject-emoji", "dot-stuffing", "custom-header-long-value"):
            continue
        cfg = case["config"]
        t = next(x for x in cfg["templates"] if x["usageType"] == case["message"]["type"])
        headers = cfg.get("customHeaders") or {}
        value = next(iter(headers.values()), "x") if headers else "x"
        if isinstance(value, list):
            value = value[0]
        html = b"\x01" if t["contentType"] == "text/html" else b"\x00"
        write("mime_header", case["name"], html + "\0".join([t["subject"], value, t["content"]]).encode())


if __name__ == "__main__":
    main()
