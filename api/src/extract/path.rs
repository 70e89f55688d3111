//! Ids in a request's path. [`PathId<T>`] is the one way a handler receives them: each segment
//! parsed as its typed id, a malformed one refused with 400 `invalid_parameter` naming what it
//! should have been, and the same parameters written into the OpenAPI document (`params(PathId<T>)`
//! in a handler's `#[utoipa::path]`). Extract it after `Caller`/`AccountCaller`, so that a
//! refused caller hears of its token first.

use super::invalid_parameter;
use crate::problem::ApiError;
use actix_web::dev::{Path, Payload, Url};
use actix_web::{FromRequest, HttpRequest};
use domain::ids::{ApiTokenId, InvitationId, UserId, WebhookId, WorkgroupId};
use std::future::{ready, Ready};
use std::str::FromStr;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{KnownFormat, ObjectBuilder, Required, SchemaFormat, Type};
use utoipa::IntoParams;
use uuid::Uuid;

/// The ids in the request's path, as `T` reads them from the matched route.
#[derive(Debug, Clone, Copy)]
pub struct PathId<T>(pub T);

/// What a route's path holds: how to read it from the matched segments, and how the document
/// shows it.
pub trait PathParams: Sized {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError>;
    fn params() -> Vec<Parameter>;
}

impl<T: PathParams> FromRequest for PathId<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(T::parse(req.match_info()).map(Self))
    }
}

impl<T: PathParams> IntoParams for PathId<T> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        T::params()
    }
}

/// The segment `name` of the matched route, parsed as an id; `what` names it in the refusal.
fn segment<T>(path: &Path<Url>, name: &str, what: &str) -> Result<T, ApiError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let raw = path
        .get(name)
        .ok_or_else(|| ApiError::internal(format!("the route has no `{{{name}}}` segment")))?;
    raw.parse().map_err(|e| invalid_parameter(e, what))
}

/// A path parameter `name` holding a uuid.
fn param(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
        ))
        .build()
}

/// A path whose one segment, `{id}`, is an id of this type.
macro_rules! id_segment {
    ($($id:ty => $what:literal, $description:literal;)*) => {$(
        impl PathParams for $id {
            fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
                segment(path, "id", $what)
            }

            fn params() -> Vec<Parameter> {
                vec![param("id", $description)]
            }
        }
    )*};
}

id_segment! {
    UserId => "user id", "The user's id";
    WorkgroupId => "workgroup id", "The workgroup's id";
    InvitationId => "invitation id", "The invitation's id";
    ApiTokenId => "API token id", "The token's id";
    WebhookId => "webhook id", "The webhook's id";
}

/// `/v1/workgroups/{id}/members/{user_id}`: a workgroup and one of its members.
#[derive(Debug, Clone, Copy)]
pub struct MemberPath {
    pub workgroup: WorkgroupId,
    pub member: UserId,
}

impl PathParams for MemberPath {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        Ok(Self {
            workgroup: segment(path, "id", "workgroup id")?,
            member: segment(path, "user_id", "user id")?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![
            param("id", "The workgroup's id"),
            param("user_id", "The member's user id"),
        ]
    }
}

/// `/v1/me/workgroup-invitations/{workgroup_id}/…`: a workgroup the caller was asked into.
#[derive(Debug, Clone, Copy)]
pub struct InvitedTo(pub WorkgroupId);

impl PathParams for InvitedTo {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        segment(path, "workgroup_id", "workgroup id").map(Self)
    }

    fn params() -> Vec<Parameter> {
        vec![param(
            "workgroup_id",
            "The workgroup the caller was invited to",
        )]
    }
}

/// `/v1/webhooks/{id}/deliveries/{delivery_id}/…`: one delivery of a webhook.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPath {
    pub webhook: WebhookId,
    pub delivery: Uuid,
}

impl PathParams for DeliveryPath {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        Ok(Self {
            webhook: segment(path, "id", "webhook id")?,
            delivery: segment(path, "delivery_id", "delivery id")?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![
            param("id", "The webhook's id"),
            param("delivery_id", "The delivery's id"),
        ]
    }
}
