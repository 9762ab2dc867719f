"""What every config model shares: the strict, camelCase, frozen base model and the value types AWS constrains
(log retention, tag values)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

PROJECT_NAMESPACE = "platform"


class ConfigModel(BaseModel):
    """Stack-file keys are camelCase, like every Pulumi config key; code uses snake_case."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


# The only retention periods CloudWatch Logs accepts; anything else fails at deploy time, not preview.
CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def _cloudwatch_retention(days: int) -> int:
    if days not in CLOUDWATCH_RETENTION_DAYS:
        raise ValueError(
            f"CloudWatch Logs keeps logs for one of {', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))} days; got {days}"
        )
    return days


LogRetentionDays = Annotated[int, AfterValidator(_cloudwatch_retention)]

# Tag values AWS accepts: up to 256 letters, digits, spaces and _ . : / = + - @ in any script
# (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions).
MAX_TAG_VALUE_LENGTH = 256
_TAG_CHARACTERS = re.compile(r"^[\w .:/=+\-@]*$")


def _tag_value(value: str) -> str:
    if len(value) > MAX_TAG_VALUE_LENGTH:
        raise ValueError(
            f"becomes a tag value, which AWS limits to {MAX_TAG_VALUE_LENGTH} characters; got {len(value)}"
        )
    bad = sorted({c for c in value if not _TAG_CHARACTERS.match(c)})
    if bad:
        raise ValueError(
            f"becomes a tag value, which allows letters, digits, spaces and _ . : / = + - @ only; "
            f"got {' '.join(map(repr, bad))}"
        )
    return value


TagValue = Annotated[str, AfterValidator(_tag_value)]
