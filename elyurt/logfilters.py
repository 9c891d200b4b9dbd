"""Logging filters."""

import logging
import re

# /i/<conference>/<token>/: the token is the only key to a person's answer page.
_ANSWER_LINK = re.compile(r"(/i/[^/\s]+/)[^/\s?]+")


class MaskAnswerTokens(logging.Filter):
    """Django logs the path of every 4xx and CSRF refusal; keep answer tokens out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ANSWER_LINK.sub(r"\1…", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
