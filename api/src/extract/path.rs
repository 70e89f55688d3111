//! Ids in a request's path. [`PathId<T>`] is the one way a handler receives them: each segment
//! parsed as its typed id, a malformed one refused with 400 `invalid_parameter` naming what it
//! should have been, and the same parameters written into the OpenAPI document (`params(PathId<T>)`
//! in a handler's `#[utoipa::path]`). Extract it after `Caller`/`AccountCaller`, so that a
//! refused caller hears of its token first.

use super::invalid_parameter;
use crate::problem::ApiError;
use actix_web::dev::{Path, Payload, Url};
use actix_web::{FromRequest, HttpRequest};
use domain::ids::{
    AccessReviewId, ApiTokenId, InvitationId, JoinLinkId, JoinRequestId, SessionId, UserId,
    WebhookDeliveryId, WebhookId, WorkgroupId,
};
use std::future::{ready, Ready};
use std::str::FromStr;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::Required;
use utoipa::{IntoParams, PartialSchema};
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

/// An id a path holds: its schema says what it names (`x-extranet-id`), and the parameter says
/// where to find one.
trait PathIdType: PartialSchema + FromStr {
    /// What the id names, in a refusal: `user id`.
    const WHAT: &'static str;
    /// The parameter's description: what it names, and where to get one.
    const WHERE: &'static str;
}

/// The path parameter `name` holding an id of type `T`.
fn param<T: PathIdType>(name: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(T::WHERE))
        .schema(Some(T::schema()))
        .build()
}

/// The id types a path holds.
macro_rules! path_ids {
    ($($id:ty => $what:literal, $where:literal;)*) => {$(
        impl PathIdType for $id {
            const WHAT: &'static str = $what;
            const WHERE: &'static str = $where;
        }
    )*};
}

path_ids! {
    UserId => "user id", "The user: `id` of a user in `GET /v1/users` (`user.id` of a sign-up or an accepted invitation).";
    WorkgroupId => "workgroup id", "The workgroup: `id` of a workgroup in `GET /v1/workgroups` or from `POST /v1/workgroups`.";
    InvitationId => "invitation id", "The invitation: `id` of an invitation in `GET /v1/invitations` or in `results[].invitation` of `POST /v1/invitations`.";
    ApiTokenId => "API token id", "The api token: `id` of an API token in `GET /v1/api-tokens` or from `POST /v1/api-tokens`.";
    WebhookId => "webhook id", "The webhook: `id` of a webhook in `GET /v1/webhooks` or from `POST /v1/webhooks`.";
    WebhookDeliveryId => "delivery id", "The webhook delivery: `id` of a delivery in `GET /v1/webhooks/{id}/deliveries`.";
    SessionId => "session id", "The session: `id` of a session in `GET /v1/me/sessions`.";
    JoinLinkId => "join link id", "The join link: `id` of a link in `GET /v1/workgroups/{id}/join-links` or from `POST /v1/workgroups/{id}/join-links`.";
    JoinRequestId => "join request id", "The join request: `id` of a request in `GET /v1/workgroups/{id}/join-requests`.";
    AccessReviewId => "access review id", "The access review: `id` of a review in `GET /v1/access-reviews` or from `POST /v1/access-reviews`.";
}

/// A path whose one segment, `{id}`, is an id of this type.
macro_rules! id_segment {
    ($($id:ty),*) => {$(
        impl PathParams for $id {
            fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
                segment(path, "id", Self::WHAT)
            }

            fn params() -> Vec<Parameter> {
                vec![param::<Self>("id")]
            }
        }
    )*};
}

id_segment!(
    UserId,
    WorkgroupId,
    InvitationId,
    ApiTokenId,
    WebhookId,
    SessionId,
    AccessReviewId
);

/// `/v1/workgroups/{id}/members/{user_id}`: a workgroup and one of its members.
#[derive(Debug, Clone, Copy)]
pub struct MemberPath {
    pub workgroup: WorkgroupId,
    pub member: UserId,
}

impl PathParams for MemberPath {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        Ok(Self {
            workgroup: segment(path, "id", WorkgroupId::WHAT)?,
            member: segment(path, "user_id", UserId::WHAT)?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![param::<WorkgroupId>("id"), param::<UserId>("user_id")]
    }
}

/// `/v1/me/workgroup-invitations/{workgroup_id}/…`: a workgroup the caller was asked into.
#[derive(Debug, Clone, Copy)]
pub struct InvitedTo(pub WorkgroupId);

impl PathParams for InvitedTo {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        segment(path, "workgroup_id", WorkgroupId::WHAT).map(Self)
    }

    fn params() -> Vec<Parameter> {
        vec![param::<WorkgroupId>("workgroup_id")]
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
            webhook: segment(path, "id", WebhookId::WHAT)?,
            delivery: segment(path, "delivery_id", WebhookDeliveryId::WHAT)?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![
            param::<WebhookId>("id"),
            param::<WebhookDeliveryId>("delivery_id"),
        ]
    }
}

/// `/v1/workgroups/{id}/join-links/{link_id}`: one join link of a workgroup.
#[derive(Debug, Clone, Copy)]
pub struct JoinLinkPath {
    pub workgroup: WorkgroupId,
    pub link: JoinLinkId,
}

impl PathParams for JoinLinkPath {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        Ok(Self {
            workgroup: segment(path, "id", WorkgroupId::WHAT)?,
            link: segment(path, "link_id", JoinLinkId::WHAT)?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![param::<WorkgroupId>("id"), param::<JoinLinkId>("link_id")]
    }
}

/// `/v1/workgroups/{id}/join-requests/{request_id}/…`: one join request of a workgroup.
#[derive(Debug, Clone, Copy)]
pub struct JoinRequestPath {
    pub workgroup: WorkgroupId,
    pub request: JoinRequestId,
}

impl PathParams for JoinRequestPath {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        Ok(Self {
            workgroup: segment(path, "id", WorkgroupId::WHAT)?,
            request: segment(path, "request_id", JoinRequestId::WHAT)?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![
            param::<WorkgroupId>("id"),
            param::<JoinRequestId>("request_id"),
        ]
    }
}

/// `/v1/access-reviews/{id}/items/{user_id}`: one person of an access review.
#[derive(Debug, Clone, Copy)]
pub struct ReviewItemPath {
    pub review: AccessReviewId,
    pub user: UserId,
}

impl PathParams for ReviewItemPath {
    fn parse(path: &Path<Url>) -> Result<Self, ApiError> {
        Ok(Self {
            review: segment(path, "id", AccessReviewId::WHAT)?,
            user: segment(path, "user_id", UserId::WHAT)?,
        })
    }

    fn params() -> Vec<Parameter> {
        vec![param::<AccessReviewId>("id"), param::<UserId>("user_id")]
    }
}
