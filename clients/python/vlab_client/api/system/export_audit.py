import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_target import AuditTarget
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    user_id: int | Unset = UNSET,
    target_kind: AuditTarget | Unset = UNSET,
    target_id: int | Unset = UNSET,
    action: str | Unset = UNSET,
    result: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["user_id"] = user_id

    json_target_kind: str | Unset = UNSET
    if not isinstance(target_kind, Unset):
        json_target_kind = target_kind.value

    params["target_kind"] = json_target_kind

    params["target_id"] = target_id

    params["action"] = action

    params["result"] = result

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params["page"] = page

    params["page_size"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit/export",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    user_id: int | Unset = UNSET,
    target_kind: AuditTarget | Unset = UNSET,
    target_id: int | Unset = UNSET,
    action: str | Unset = UNSET,
    result: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """The same events as CSV, oldest first (the newest 10,000; `page` and
    `page_size` are ignored).

    Args:
        user_id (int | Unset):
        target_kind (AuditTarget | Unset): What an audit event can be about.
        target_id (int | Unset):
        action (str | Unset):
        result (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        target_kind=target_kind,
        target_id=target_id,
        action=action,
        result=result,
        from_=from_,
        to=to,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    user_id: int | Unset = UNSET,
    target_kind: AuditTarget | Unset = UNSET,
    target_id: int | Unset = UNSET,
    action: str | Unset = UNSET,
    result: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """The same events as CSV, oldest first (the newest 10,000; `page` and
    `page_size` are ignored).

    Args:
        user_id (int | Unset):
        target_kind (AuditTarget | Unset): What an audit event can be about.
        target_id (int | Unset):
        action (str | Unset):
        result (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        user_id=user_id,
        target_kind=target_kind,
        target_id=target_id,
        action=action,
        result=result,
        from_=from_,
        to=to,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    user_id: int | Unset = UNSET,
    target_kind: AuditTarget | Unset = UNSET,
    target_id: int | Unset = UNSET,
    action: str | Unset = UNSET,
    result: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """The same events as CSV, oldest first (the newest 10,000; `page` and
    `page_size` are ignored).

    Args:
        user_id (int | Unset):
        target_kind (AuditTarget | Unset): What an audit event can be about.
        target_id (int | Unset):
        action (str | Unset):
        result (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        target_kind=target_kind,
        target_id=target_id,
        action=action,
        result=result,
        from_=from_,
        to=to,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    user_id: int | Unset = UNSET,
    target_kind: AuditTarget | Unset = UNSET,
    target_id: int | Unset = UNSET,
    action: str | Unset = UNSET,
    result: str | Unset = UNSET,
    from_: datetime.datetime | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """The same events as CSV, oldest first (the newest 10,000; `page` and
    `page_size` are ignored).

    Args:
        user_id (int | Unset):
        target_kind (AuditTarget | Unset): What an audit event can be about.
        target_id (int | Unset):
        action (str | Unset):
        result (str | Unset):
        from_ (datetime.datetime | Unset):
        to (datetime.datetime | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            user_id=user_id,
            target_kind=target_kind,
            target_id=target_id,
            action=action,
            result=result,
            from_=from_,
            to=to,
            page=page,
            page_size=page_size,
        )
    ).parsed
