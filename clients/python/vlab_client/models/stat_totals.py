from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StatTotals")


@_attrs_define
class StatTotals:
    """
    Attributes:
        console_minutes (float):
        resets (int):
        running_hours (float):
        starts (int):
        students (int):
        vms (int):
    """

    console_minutes: float
    resets: int
    running_hours: float
    starts: int
    students: int
    vms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        console_minutes = self.console_minutes

        resets = self.resets

        running_hours = self.running_hours

        starts = self.starts

        students = self.students

        vms = self.vms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "console_minutes": console_minutes,
                "resets": resets,
                "running_hours": running_hours,
                "starts": starts,
                "students": students,
                "vms": vms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        console_minutes = d.pop("console_minutes")

        resets = d.pop("resets")

        running_hours = d.pop("running_hours")

        starts = d.pop("starts")

        students = d.pop("students")

        vms = d.pop("vms")

        stat_totals = cls(
            console_minutes=console_minutes,
            resets=resets,
            running_hours=running_hours,
            starts=starts,
            students=students,
            vms=vms,
        )

        stat_totals.additional_properties = d
        return stat_totals

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
