from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.operation_summary import OperationSummary


T = TypeVar("T", bound="GetSummaryResponse200")


@_attrs_define
class GetSummaryResponse200:
    """
    Attributes:
        data (OperationSummary): The work waiting and under way, per kind (`GET /operations/summary`).
        message (None | str):
        success (Literal[True]):
        timestamp (datetime.datetime):
    """

    data: OperationSummary
    message: None | str
    success: Literal[True]
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        message: None | str
        message = self.message

        success = self.success

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "message": message,
                "success": success,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.operation_summary import OperationSummary

        d = dict(src_dict)
        data = OperationSummary.from_dict(d.pop("data"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        success = cast(Literal[True], d.pop("success"))
        if success != True:
            raise ValueError(f"success must match const True, got '{success}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        get_summary_response_200 = cls(
            data=data,
            message=message,
            success=success,
            timestamp=timestamp,
        )

        get_summary_response_200.additional_properties = d
        return get_summary_response_200

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
