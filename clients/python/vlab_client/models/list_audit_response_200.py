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
    from ..models.audit_entry import AuditEntry
    from ..models.pagination import Pagination


T = TypeVar("T", bound="ListAuditResponse200")


@_attrs_define
class ListAuditResponse200:
    """
    Attributes:
        data (list[AuditEntry]):
        message (None | str):
        pagination (Pagination):
        success (Literal[True]):
        timestamp (datetime.datetime):
    """

    data: list[AuditEntry]
    message: None | str
    pagination: Pagination
    success: Literal[True]
    timestamp: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        message: None | str
        message = self.message

        pagination = self.pagination.to_dict()

        success = self.success

        timestamp = self.timestamp.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "message": message,
                "pagination": pagination,
                "success": success,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_entry import AuditEntry
        from ..models.pagination import Pagination

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = AuditEntry.from_dict(data_item_data)

            data.append(data_item)

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        pagination = Pagination.from_dict(d.pop("pagination"))

        success = cast(Literal[True], d.pop("success"))
        if success != True:
            raise ValueError(f"success must match const True, got '{success}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        list_audit_response_200 = cls(
            data=data,
            message=message,
            pagination=pagination,
            success=success,
            timestamp=timestamp,
        )

        list_audit_response_200.additional_properties = d
        return list_audit_response_200

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
