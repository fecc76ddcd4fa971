from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_upload import ImageUpload


T = TypeVar("T", bound="NewTemplate")


@_attrs_define
class NewTemplate:
    """A template from a prepared, stopped VM (`vm_id`), or an image upload
    (`upload`): one of the two.

        Attributes:
            name (str):
            cpus (int | None | Unset):
            description (None | str | Unset):
            kernel (None | str | Unset): For uploads: a kernel from the kernels pool to boot directly.
            memory_mib (int | None | Unset):
            upload (ImageUpload | None | Unset):
            vm_id (int | None | Unset):
    """

    name: str
    cpus: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    kernel: None | str | Unset = UNSET
    memory_mib: int | None | Unset = UNSET
    upload: ImageUpload | None | Unset = UNSET
    vm_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.image_upload import ImageUpload

        name = self.name

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

        kernel: None | str | Unset
        if isinstance(self.kernel, Unset):
            kernel = UNSET
        else:
            kernel = self.kernel

        memory_mib: int | None | Unset
        if isinstance(self.memory_mib, Unset):
            memory_mib = UNSET
        else:
            memory_mib = self.memory_mib

        upload: dict[str, Any] | None | Unset
        if isinstance(self.upload, Unset):
            upload = UNSET
        elif isinstance(self.upload, ImageUpload):
            upload = self.upload.to_dict()
        else:
            upload = self.upload

        vm_id: int | None | Unset
        if isinstance(self.vm_id, Unset):
            vm_id = UNSET
        else:
            vm_id = self.vm_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if description is not UNSET:
            field_dict["description"] = description
        if kernel is not UNSET:
            field_dict["kernel"] = kernel
        if memory_mib is not UNSET:
            field_dict["memory_mib"] = memory_mib
        if upload is not UNSET:
            field_dict["upload"] = upload
        if vm_id is not UNSET:
            field_dict["vm_id"] = vm_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.image_upload import ImageUpload

        d = dict(src_dict)
        name = d.pop("name")

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

        def _parse_kernel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kernel = _parse_kernel(d.pop("kernel", UNSET))

        def _parse_memory_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_mib = _parse_memory_mib(d.pop("memory_mib", UNSET))

        def _parse_upload(data: object) -> ImageUpload | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                upload_type_1 = ImageUpload.from_dict(data)

                return upload_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImageUpload | None | Unset, data)

        upload = _parse_upload(d.pop("upload", UNSET))

        def _parse_vm_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        vm_id = _parse_vm_id(d.pop("vm_id", UNSET))

        new_template = cls(
            name=name,
            cpus=cpus,
            description=description,
            kernel=kernel,
            memory_mib=memory_mib,
            upload=upload,
            vm_id=vm_id,
        )

        return new_template
