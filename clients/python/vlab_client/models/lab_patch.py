from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LabPatch")


@_attrs_define
class LabPatch:
    """Changes to a lab. A new `template_version_id` applies to VMs made or
    reset from now on; students' current disks are left as they are.

        Attributes:
            auto_start_minutes (int | None | Unset): 0 clears.
            auto_stop_minutes (int | None | Unset):
            closes_at (None | str | Unset):
            description (None | str | Unset):
            idle_stop_minutes (int | None | Unset):
            node_id (int | None | Unset): Admins: the node the lab's VMs are made on from now on (those made
                already stay where they are; an admin can move them); 0 unpins.
            opens_at (None | str | Unset): Empty string clears the time.
            outbound (bool | None | Unset): Applies to every VM of the lab (a running one at its next start).
            template_version_id (int | None | Unset):
    """

    auto_start_minutes: int | None | Unset = UNSET
    auto_stop_minutes: int | None | Unset = UNSET
    closes_at: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    idle_stop_minutes: int | None | Unset = UNSET
    node_id: int | None | Unset = UNSET
    opens_at: None | str | Unset = UNSET
    outbound: bool | None | Unset = UNSET
    template_version_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        auto_start_minutes: int | None | Unset
        if isinstance(self.auto_start_minutes, Unset):
            auto_start_minutes = UNSET
        else:
            auto_start_minutes = self.auto_start_minutes

        auto_stop_minutes: int | None | Unset
        if isinstance(self.auto_stop_minutes, Unset):
            auto_stop_minutes = UNSET
        else:
            auto_stop_minutes = self.auto_stop_minutes

        closes_at: None | str | Unset
        if isinstance(self.closes_at, Unset):
            closes_at = UNSET
        else:
            closes_at = self.closes_at

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        idle_stop_minutes: int | None | Unset
        if isinstance(self.idle_stop_minutes, Unset):
            idle_stop_minutes = UNSET
        else:
            idle_stop_minutes = self.idle_stop_minutes

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        opens_at: None | str | Unset
        if isinstance(self.opens_at, Unset):
            opens_at = UNSET
        else:
            opens_at = self.opens_at

        outbound: bool | None | Unset
        if isinstance(self.outbound, Unset):
            outbound = UNSET
        else:
            outbound = self.outbound

        template_version_id: int | None | Unset
        if isinstance(self.template_version_id, Unset):
            template_version_id = UNSET
        else:
            template_version_id = self.template_version_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if auto_start_minutes is not UNSET:
            field_dict["auto_start_minutes"] = auto_start_minutes
        if auto_stop_minutes is not UNSET:
            field_dict["auto_stop_minutes"] = auto_stop_minutes
        if closes_at is not UNSET:
            field_dict["closes_at"] = closes_at
        if description is not UNSET:
            field_dict["description"] = description
        if idle_stop_minutes is not UNSET:
            field_dict["idle_stop_minutes"] = idle_stop_minutes
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if opens_at is not UNSET:
            field_dict["opens_at"] = opens_at
        if outbound is not UNSET:
            field_dict["outbound"] = outbound
        if template_version_id is not UNSET:
            field_dict["template_version_id"] = template_version_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_auto_start_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        auto_start_minutes = _parse_auto_start_minutes(
            d.pop("auto_start_minutes", UNSET)
        )

        def _parse_auto_stop_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        auto_stop_minutes = _parse_auto_stop_minutes(d.pop("auto_stop_minutes", UNSET))

        def _parse_closes_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        closes_at = _parse_closes_at(d.pop("closes_at", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_idle_stop_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        idle_stop_minutes = _parse_idle_stop_minutes(d.pop("idle_stop_minutes", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        def _parse_opens_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        opens_at = _parse_opens_at(d.pop("opens_at", UNSET))

        def _parse_outbound(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        outbound = _parse_outbound(d.pop("outbound", UNSET))

        def _parse_template_version_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        template_version_id = _parse_template_version_id(
            d.pop("template_version_id", UNSET)
        )

        lab_patch = cls(
            auto_start_minutes=auto_start_minutes,
            auto_stop_minutes=auto_stop_minutes,
            closes_at=closes_at,
            description=description,
            idle_stop_minutes=idle_stop_minutes,
            node_id=node_id,
            opens_at=opens_at,
            outbound=outbound,
            template_version_id=template_version_id,
        )

        return lab_patch
