import logging

from bot import RedactSecrets


def test_a_token_in_a_log_record_is_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token is %s", ("s3cr3t.tok",), None)
    assert RedactSecrets(["s3cr3t.tok"]).filter(record)
    assert record.getMessage() == "token is [redacted]"


def test_records_without_secrets_are_untouched():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    RedactSecrets(["s3cr3t.tok"]).filter(record)
    assert record.args == ("world",)
