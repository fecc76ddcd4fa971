from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatRow")


@_attrs_define
class StatRow:
    """
    Attributes:
        console_minutes (float):
        display_name (str):
        lab_id (int):
        lab_name (str):
        resets (int):
        running_hours (float):
        starts (int):
        user_id (int):
        username (str):
        vm_id (int):
        last_activity (None | str | Unset):
    """

    console_minutes: float
    display_name: str
    lab_id: int
    lab_name: str
    resets: int
    running_hours: float
    starts: int
    user_id: int
    username: str
    vm_id: int
    last_activity: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        console_minutes = self.console_minutes

        display_name = self.display_name

        lab_id = self.lab_id

        lab_name = self.lab_name

        resets = self.resets

        running_hours = self.running_hours

        starts = self.starts

        user_id = self.user_id

        username = self.username

        vm_id = self.vm_id

        last_activity: None | str | Unset
        if isinstance(self.last_activity, Unset):
            last_activity = UNSET
        else:
            last_activity = self.last_activity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "console_minutes": console_minutes,
                "display_name": display_name,
                "lab_id": lab_id,
                "lab_name": lab_name,
                "resets": resets,
                "running_hours": running_hours,
                "starts": starts,
                "user_id": user_id,
                "username": username,
                "vm_id": vm_id,
            }
        )
        if last_activity is not UNSET:
            field_dict["last_activity"] = last_activity

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        console_minutes = d.pop("console_minutes")

        display_name = d.pop("display_name")

        lab_id = d.pop("lab_id")

        lab_name = d.pop("lab_name")

        resets = d.pop("resets")

        running_hours = d.pop("running_hours")

        starts = d.pop("starts")

        user_id = d.pop("user_id")

        username = d.pop("username")

        vm_id = d.pop("vm_id")

        def _parse_last_activity(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_activity = _parse_last_activity(d.pop("last_activity", UNSET))

        stat_row = cls(
            console_minutes=console_minutes,
            display_name=display_name,
            lab_id=lab_id,
            lab_name=lab_name,
            resets=resets,
            running_hours=running_hours,
            starts=starts,
            user_id=user_id,
            username=username,
            vm_id=vm_id,
            last_activity=last_activity,
        )

        stat_row.additional_properties = d
        return stat_row

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
