// The two signing inputs every signing contender uses, with the official connectors' outputs.
// Inputs: tests/interop/connectors/cases.json (aliyun-sms/basic-ascii, tencent-sms/basic-ascii).
// Expected outputs: tests/interop/connectors/expected.json, captured from @logto/connector-aliyun-sms 1.5.5
// and @logto/connector-tencent-sms 1.4.4 with frozen time and nonce.
#pragma once

#include <cstdint>

namespace bench {

namespace aliyun_case {
inline const char* const access_key_id = "LTAI5tCaptureAccessKeyId";
inline const char* const access_key_secret = "CaptureAccessKeySecret0123456789";
inline const char* const sign_name = "Logto";
inline const char* const template_code = "SMS_100000001";  // usage SignIn
inline const char* const phone = "13800138000";
inline const char* const code = "123456";
inline const std::int64_t unix_seconds = 1704164645;
inline const char* const nonce = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
inline const char* const expected_body =
    "Action=SendSms&Format=json&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&Version=2017-05-"
    "25&AccessKeyId=LTAI5tCaptureAccessKeyId&PhoneNumbers=13800138000&SignName=Logto&TemplateCode=SMS_100000001&"
    "TemplateParam=%7B%22code%22%3A%22123456%22%7D&SignatureNonce=3f2504e0-4f89-41d3-9a0c-0305e82c3301&Timestamp="
    "2024-01-02T03%3A04%3A05Z&Signature=5W%2FPR%2BU0UED86uiRBKKuPIQ0VTI%3D";
}  // namespace aliyun_case

namespace tencent_case {
inline const char* const secret_id = "AKIDCaptureSecretId0000000000000000";
inline const char* const secret_key = "CaptureSecretKey00000000000000000";
inline const char* const sdk_app_id = "1400000001";
inline const char* const sign_name = "Logto";
inline const char* const template_id = "1000001";  // usage SignIn
inline const char* const region = "ap-guangzhou";
inline const char* const phone = "+8613800138000";
inline const char* const code = "123456";
inline const std::int64_t unix_seconds = 1704164645;
inline const char* const expected_body =
    "{\"SmsSdkAppId\":\"1400000001\",\"SignName\":\"Logto\",\"TemplateId\":\"1000001\",\"TemplateParamSet\":["
    "\"123456\"],\"PhoneNumberSet\":[\"+8613800138000\"]}";
inline const char* const expected_authorization =
    "TC3-HMAC-SHA256 Credential=AKIDCaptureSecretId0000000000000000/2024-01-02/sms/tc3_request, "
    "SignedHeaders=content-type;host, Signature=83f2036f602c28c46ba3af8c1d43b98f31d7d2a16974d032f201de82d0fc9d3b";
}  // namespace tencent_case

}  // namespace bench
