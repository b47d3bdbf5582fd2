// Known-answer vectors for the provider signers: Aliyun POP RPC signature v1 (connectors/aliyun.hpp),
// Tencent Cloud TC3-HMAC-SHA256 (connectors/tencent.hpp) and Twilio's Basic credentials.
#include <logto/connectors/aliyun.hpp>
#include <logto/connectors/aliyun_sms.hpp>
#include <logto/connectors/tencent.hpp>
#include <logto/connectors/twilio_sms.hpp>

#include "catch2_compat.hpp"

using namespace logto;
using namespace logto::connectors;

// Alibaba Cloud "Request signatures" (https://www.alibabacloud.com/help/doc-detail/28139.htm), example:
// DescribeRegions, AccessKeyId testid, AccessKeySecret testsecret, GET.
TEST_CASE("Aliyun RPC signature: the documented DescribeRegions example", "[connectors][aliyun][signing]") {
  // The parameters in the order of the doc's unsigned URL (the signer sorts them).
  const query_params params = {{"Timestamp", "2016-02-23T12:46:24Z"},
                               {"Format", "XML"},
                               {"AccessKeyId", "testid"},
                               {"Action", "DescribeRegions"},
                               {"SignatureMethod", "HMAC-SHA1"},
                               {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
                               {"Version", "2014-05-26"},
                               {"SignatureVersion", "1.0"}};
  CHECK(aliyun::string_to_sign("GET", params) ==
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
        "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
  auto sig = aliyun::signature("GET", params, "testsecret");
  REQUIRE(sig);
  CHECK(*sig == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  // The method is upper-cased as the official `method.toUpperCase()` does.
  CHECK(*aliyun::signature("get", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

// Aliyun SMS API documentation, signature example (SendSms, AccessKeyId testId, secret testSecret,
// SignName 阿里云短信测试专用, GET); the sorted query string, StringToSign and Signature are all published.
TEST_CASE("Aliyun RPC signature: the SMS documentation's SendSms example (UTF-8 SignName)",
          "[connectors][aliyun][signing]") {
  const query_params params = {{"AccessKeyId", "testId"},
                               {"Action", "SendSms"},
                               {"Format", "XML"},
                               {"OutId", "123"},
                               {"PhoneNumbers", "15300000001"},
                               {"RegionId", "cn-hangzhou"},
                               {"SignName",
                                "\xE9\x98\xBF\xE9\x87\x8C\xE4\xBA\x91\xE7\x9F\xAD\xE4\xBF\xA1\xE6\xB5\x8B"
                                "\xE8\xAF\x95\xE4\xB8\x93\xE7\x94\xA8"},
                               {"SignatureMethod", "HMAC-SHA1"},
                               {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"},
                               {"SignatureVersion", "1.0"},
                               {"TemplateCode", "SMS_71390007"},
                               {"TemplateParam", "{\"customer\":\"test\"}"},
                               {"Timestamp", "2017-07-12T02:42:19Z"},
                               {"Version", "2017-05-25"}};
  CHECK(aliyun::canonicalized_query(params) ==
        "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
        "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
        "&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
        "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z"
        "&Version=2017-05-25");
  CHECK(
      aliyun::string_to_sign("GET", params) ==
      "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001"
      "%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4"
      "%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1"
      "%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007"
      "%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z"
      "%26Version%3D2017-05-25");
  CHECK(*aliyun::signature("GET", params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
}

// connectors-behaviour.md 2.1, vector `aliyun-sms/basic-ascii`, captured from the official connector.
TEST_CASE("Aliyun RPC signature: the captured aliyun-sms/basic-ascii vector", "[connectors][aliyun][signing]") {
  const query_params params = {{"Action", "SendSms"},
                               {"Format", "json"},
                               {"RegionId", "cn-hangzhou"},
                               {"SignatureMethod", "HMAC-SHA1"},
                               {"SignatureVersion", "1.0"},
                               {"Version", "2017-05-25"},
                               {"AccessKeyId", "LTAI5tCaptureAccessKeyId"},
                               {"PhoneNumbers", "13800138000"},
                               {"SignName", "Logto"},
                               {"TemplateCode", "SMS_100000001"},
                               {"TemplateParam", "{\"code\":\"123456\"}"},
                               {"SignatureNonce", "3f2504e0-4f89-41d3-9a0c-0305e82c3301"},
                               {"Timestamp", aliyun::timestamp(unix_seconds_from_ms(1704164645999))}};
  CHECK(params.back().second == "2024-01-02T03:04:05Z");  // milliseconds truncated
  CHECK(aliyun::canonicalized_query(params) ==
        "AccessKeyId=LTAI5tCaptureAccessKeyId&Action=SendSms&Format=json&PhoneNumbers=13800138000&RegionId=cn-hangzhou"
        "&SignName=Logto&SignatureMethod=HMAC-SHA1&SignatureNonce=3f2504e0-4f89-41d3-9a0c-0305e82c3301"
        "&SignatureVersion=1.0&TemplateCode=SMS_100000001&TemplateParam=%7B%22code%22%3A%22123456%22%7D"
        "&Timestamp=2024-01-02T03%3A04%3A05Z&Version=2017-05-25");
  CHECK(*aliyun::signature("POST", params, "CaptureAccessKeySecret0123456789") == "5W/PR+U0UED86uiRBKKuPIQ0VTI=");
  auto body = aliyun::signed_form_body(params, "CaptureAccessKeySecret0123456789");
  REQUIRE(body);
  // Insertion order, form encoding, Signature last.
  CHECK(body->rfind("Action=SendSms&Format=json&RegionId=cn-hangzhou&", 0) == 0);
  CHECK(body->find("&Timestamp=2024-01-02T03%3A04%3A05Z&Signature=5W%2FPR%2BU0UED86uiRBKKuPIQ0VTI%3D") !=
        std::string::npos);
  CHECK(body->size() == 395);  // the captured content-length
}

// connectors-behaviour.md 2.1 / 5: the signing encoding is RFC 3986, the body encoding is WHATWG form.
TEST_CASE("Aliyun: signing and body encodings differ (reserved-character vector)", "[connectors][aliyun][signing]") {
  const std::string sign_name = "Sign ~*+ /:Name!'()";
  const query_params params = {{"SignName", sign_name}};
  CHECK(aliyun::canonicalized_query(params) == "SignName=Sign%20~%2A%2B%20%2F%3AName%21%27%28%29");
  auto body = aliyun::signed_form_body(params, "k");
  REQUIRE(body);
  CHECK(body->rfind("SignName=Sign+%7E*%2B+%2F%3AName%21%27%28%29&Signature=", 0) == 0);
  // Sorting is over the encoded "k=v" strings, as the official `.sort()` does: "A%20" < "A=" < "AB".
  CHECK(aliyun::canonicalized_query({{"AB", "1"}, {"A", "2"}, {"A ", "3"}}) == "A%20=3&A=2&AB=1");
}

// Tencent Cloud API 3.0 "Signature v3" (e.g. https://cloud.tencent.com/document/api/213/30654): CVM
// DescribeInstances, timestamp 1551113065, published signature 2230eefd...652c. The published value is
// reproduced with the key exactly as the current documentation prints it, "Gu5t9xGARNpq86cd98joQYCN3*******"
// (the doc masks the last seven characters); the older spelling "...EXAMPLE" does not give 2230eefd.
TEST_CASE("Tencent TC3-HMAC-SHA256: the documented CVM DescribeInstances example", "[connectors][tencent][signing]") {
  tencent::tc3_input in;
  in.host = "cvm.tencentcloudapi.com";
  in.service = "cvm";
  in.payload = R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
  in.timestamp = 1551113065;
  auto s = tencent::sign(in, "Gu5t9xGARNpq86cd98joQYCN3*******");
  REQUIRE(s);
  CHECK(s->date == "2019-02-25");
  CHECK(s->credential_scope == "2019-02-25/cvm/tc3_request");
  CHECK(s->hashed_payload == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  CHECK(s->canonical_request ==
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  CHECK(s->string_to_sign ==
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
  CHECK(s->signature == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
  auto auth = tencent::authorization(in, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******", "Gu5t9xGARNpq86cd98joQYCN3*******");
  REQUIRE(auth);
  CHECK(*auth ==
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
}

// connectors-behaviour.md 2.2, vector `tencent-sms/basic-ascii`, captured from the official connector.
TEST_CASE("Tencent TC3-HMAC-SHA256: the captured tencent-sms/basic-ascii vector", "[connectors][tencent][signing]") {
  const std::string body =
      R"({"SmsSdkAppId":"1400000001","SignName":"Logto","TemplateId":"1000001","TemplateParamSet":["123456"],)"
      R"("PhoneNumberSet":["+8613800138000"]})";
  tencent::tc3_input in;
  in.host = "sms.tencentcloudapi.com";
  in.service = "sms";
  in.payload = body;
  in.timestamp = unix_seconds_from_ms(1704164645000);
  auto s = tencent::sign(in, "CaptureSecretKey00000000000000000");
  REQUIRE(s);
  CHECK(s->hashed_payload == "0bff9bdcb9568f548f30c313764f74edc6a410645d1484a281c9f3d01b4765ac");
  CHECK(s->string_to_sign ==
        "TC3-HMAC-SHA256\n1704164645\n2024-01-02/sms/tc3_request\n"
        "2b1075ed0a63151a36485d615cdb3c0cfc2a24786904d6cef97be7bd7dc16466");
  CHECK(*tencent::authorization(in, "AKIDCaptureSecretId0000000000000000", "CaptureSecretKey00000000000000000") ==
        "TC3-HMAC-SHA256 Credential=AKIDCaptureSecretId0000000000000000/2024-01-02/sms/tc3_request, "
        "SignedHeaders=content-type;host, Signature=83f2036f602c28c46ba3af8c1d43b98f31d7d2a16974d032f201de82d0fc9d3b");
}

TEST_CASE("Tencent TC3: the credential date is the UTC day of floor(ms / 1000)", "[connectors][tencent][signing]") {
  tencent::tc3_input in;
  in.host = "sms.tencentcloudapi.com";
  in.service = "sms";
  in.timestamp = unix_seconds_from_ms(1704067199999);
  CHECK(in.timestamp == 1704067199);
  CHECK(tencent::sign(in, "k")->date == "2023-12-31");
  in.timestamp = unix_seconds_from_ms(1704067200000);
  CHECK(tencent::sign(in, "k")->date == "2024-01-01");
  CHECK(unix_seconds_from_ms(-1) == -1);  // Math.floor(-0.001)
}

// connectors-behaviour.md 2.3: Basic base64(utf8(accountSID ':' authToken)), ':' in the token not escaped.
TEST_CASE("Twilio: Basic credentials and form body (captured reserved-character vector)",
          "[connectors][twilio][signing]") {
  auto t = twilio_sms::from_json(R"({"accountSID":"AC00000000000000000000000000000001","authToken":"tok:en~*+ /",
    "fromMessagingServiceSID":"MG00000000000000000000000000000001","templates":[
    {"usageType":"SignIn","content":"Code: {{code}} ~*+ /:&=?"},{"usageType":"Register","content":"r"},
    {"usageType":"ForgotPassword","content":"f"},{"usageType":"Generic","content":"g"}]})");
  REQUIRE(t);
  payload p;
  p.code("12 34");
  auto req = t->build_request(message("+14155550100", usage_type::sign_in, p));
  REQUIRE(req);
  REQUIRE(req->headers.size() == 2);
  CHECK(req->headers[0].name == "Authorization");
  CHECK(req->headers[0].value == "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTp0b2s6ZW5+KisgLw==");
  CHECK(req->body ==
        "To=%2B14155550100&MessagingServiceSid=MG00000000000000000000000000000001"
        "&Body=Code%3A+12+34+%7E*%2B+%2F%3A%26%3D%3F&RiskCheck=enable");
}
