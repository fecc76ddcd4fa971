from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.created_account import CreatedAccount


T = TypeVar("T", bound="EnrolmentReport")


@_attrs_define
class EnrolmentReport:
    """What a CSV enrolment did.

    Attributes:
        created (list[CreatedAccount]): New accounts; each password is shown this once.
        enrolled (list[str]): Existing accounts newly enrolled.
        unchanged (list[str]): Already students of the course.
        operation_id (int | None | Unset): The operation that showed the enrolment's progress, when it took
            longer than a moment (its progress came as events meanwhile).
    """

    created: list[CreatedAccount]
    enrolled: list[str]
    unchanged: list[str]
    operation_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created = []
        for created_item_data in self.created:
            created_item = created_item_data.to_dict()
            created.append(created_item)

        enrolled = self.enrolled

        unchanged = self.unchanged

        operation_id: int | None | Unset
        if isinstance(self.operation_id, Unset):
            operation_id = UNSET
        else:
            operation_id = self.operation_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "enrolled": enrolled,
                "unchanged": unchanged,
            }
        )
        if operation_id is not UNSET:
            field_dict["operation_id"] = operation_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.created_account import CreatedAccount

        d = dict(src_dict)
        created = []
        _created = d.pop("created")
        for created_item_data in _created:
            created_item = CreatedAccount.from_dict(created_item_data)

            created.append(created_item)

        enrolled = cast(list[str], d.pop("enrolled"))

        unchanged = cast(list[str], d.pop("unchanged"))

        def _parse_operation_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        operation_id = _parse_operation_id(d.pop("operation_id", UNSET))

        enrolment_report = cls(
            created=created,
            enrolled=enrolled,
            unchanged=unchanged,
            operation_id=operation_id,
        )

        enrolment_report.additional_properties = d
        return enrolment_report

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
