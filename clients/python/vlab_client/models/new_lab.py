from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewLab")


@_attrs_define
class NewLab:
    """
    Attributes:
        name (str):
        template_version_id (int):
        auto_start_minutes (int | None | Unset):
        auto_stop_minutes (int | None | Unset):
        closes_at (datetime.datetime | None | Unset):
        cpus (int | None | Unset):
        description (None | str | Unset):
        idle_stop_minutes (int | None | Unset):
        memory_mib (int | None | Unset):
        node_id (int | None | Unset): Admins: make every VM of the lab on this node (default: students are
            spread over the nodes by free memory).
        opens_at (datetime.datetime | None | Unset):
        outbound (bool | None | Unset): Default true.
    """

    name: str
    template_version_id: int
    auto_start_minutes: int | None | Unset = UNSET
    auto_stop_minutes: int | None | Unset = UNSET
    closes_at: datetime.datetime | None | Unset = UNSET
    cpus: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    idle_stop_minutes: int | None | Unset = UNSET
    memory_mib: int | None | Unset = UNSET
    node_id: int | None | Unset = UNSET
    opens_at: datetime.datetime | None | Unset = UNSET
    outbound: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        template_version_id = self.template_version_id

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
        elif isinstance(self.closes_at, datetime.datetime):
            closes_at = self.closes_at.isoformat()
        else:
            closes_at = self.closes_at

        cpus: int | None | Unset
        if isinstance(self.cpus, Unset):
            cpus = UNSET
        else:
            cpus = self.cpus

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

        memory_mib: int | None | Unset
        if isinstance(self.memory_mib, Unset):
            memory_mib = UNSET
        else:
            memory_mib = self.memory_mib

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        opens_at: None | str | Unset
        if isinstance(self.opens_at, Unset):
            opens_at = UNSET
        elif isinstance(self.opens_at, datetime.datetime):
            opens_at = self.opens_at.isoformat()
        else:
            opens_at = self.opens_at

        outbound: bool | None | Unset
        if isinstance(self.outbound, Unset):
            outbound = UNSET
        else:
            outbound = self.outbound

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "template_version_id": template_version_id,
            }
        )
        if auto_start_minutes is not UNSET:
            field_dict["auto_start_minutes"] = auto_start_minutes
        if auto_stop_minutes is not UNSET:
            field_dict["auto_stop_minutes"] = auto_stop_minutes
        if closes_at is not UNSET:
            field_dict["closes_at"] = closes_at
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if description is not UNSET:
            field_dict["description"] = description
        if idle_stop_minutes is not UNSET:
            field_dict["idle_stop_minutes"] = idle_stop_minutes
        if memory_mib is not UNSET:
            field_dict["memory_mib"] = memory_mib
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if opens_at is not UNSET:
            field_dict["opens_at"] = opens_at
        if outbound is not UNSET:
            field_dict["outbound"] = outbound

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        template_version_id = d.pop("template_version_id")

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

        def _parse_closes_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closes_at_type_0 = datetime.datetime.fromisoformat(data)

                return closes_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        closes_at = _parse_closes_at(d.pop("closes_at", UNSET))

        def _parse_cpus(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cpus = _parse_cpus(d.pop("cpus", UNSET))

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

        def _parse_memory_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_mib = _parse_memory_mib(d.pop("memory_mib", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        def _parse_opens_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                opens_at_type_0 = datetime.datetime.fromisoformat(data)

                return opens_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        opens_at = _parse_opens_at(d.pop("opens_at", UNSET))

        def _parse_outbound(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        outbound = _parse_outbound(d.pop("outbound", UNSET))

        new_lab = cls(
            name=name,
            template_version_id=template_version_id,
            auto_start_minutes=auto_start_minutes,
            auto_stop_minutes=auto_stop_minutes,
            closes_at=closes_at,
            cpus=cpus,
            description=description,
            idle_stop_minutes=idle_stop_minutes,
            memory_mib=memory_mib,
            node_id=node_id,
            opens_at=opens_at,
            outbound=outbound,
        )

        return new_lab
