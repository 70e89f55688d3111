//! Plans and their user limits (Bitrix24's by default, configurable with `EXTRANET_PLANS`).

use crate::error::FieldError;
use serde::Serialize;

/// A plan's user limit: a number of seats, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UserLimit {
    Unlimited,
    Seats(u32),
}

impl UserLimit {
    pub fn seats(self) -> Option<u32> {
        match self {
            Self::Unlimited => None,
            Self::Seats(n) => Some(n),
        }
    }
}

/// One plan of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub name: String,
    pub user_limit: UserLimit,
}

/// The plans an installation offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plans(Vec<Plan>);

impl Default for Plans {
    /// Bitrix24's: Free unlimited, Basic 5, Standard 50, Professional 100, Enterprise 250.
    fn default() -> Self {
        let plan = |name: &str, limit| Plan {
            name: name.to_owned(),
            user_limit: limit,
        };
        Self(vec![
            plan("free", UserLimit::Unlimited),
            plan("basic", UserLimit::Seats(5)),
            plan("standard", UserLimit::Seats(50)),
            plan("professional", UserLimit::Seats(100)),
            plan("enterprise", UserLimit::Seats(250)),
        ])
    }
}

impl Plans {
    /// The plans' names, in the catalogue's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|p| p.name.as_str())
    }

    /// The plan new accounts get when they name none.
    pub const DEFAULT_PLAN: &'static str = "free";

    /// Parses `free=0,basic=5,standard=50`: a name and a user limit each, 0 meaning none.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut plans = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, limit) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not `name=limit`"))?;
            let name = name.trim().to_lowercase();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "`{name}` is not a plan name (letters, digits, `_`, `-`)"
                ));
            }
            let limit: u32 = limit
                .trim()
                .parse()
                .map_err(|_| format!("the user limit of `{name}` is not a whole number"))?;
            if plans.iter().any(|p: &Plan| p.name == name) {
                return Err(format!("plan `{name}` is named twice"));
            }
            plans.push(Plan {
                name,
                user_limit: if limit == 0 {
                    UserLimit::Unlimited
                } else {
                    UserLimit::Seats(limit)
                },
            });
        }
        if plans.is_empty() {
            return Err("no plans given".to_owned());
        }
        Ok(Self(plans))
    }

    pub fn all(&self) -> &[Plan] {
        &self.0
    }

    pub fn get(&self, name: &str) -> Option<&Plan> {
        self.0.iter().find(|p| p.name == name)
    }

    /// The named plan, or a field error that lists the plans there are.
    pub fn choose(&self, name: &str) -> Result<&Plan, FieldError> {
        let wanted = name.trim().to_lowercase();
        self.get(&wanted).ok_or_else(|| {
            let names: Vec<&str> = self.0.iter().map(|p| p.name.as_str()).collect();
            FieldError::new(
                "",
                "unknown_plan",
                format!(
                    "`{}` is not a plan; plans: {}",
                    name.trim(),
                    names.join(", ")
                ),
            )
        })
    }

    /// The plan for new accounts: `free` when offered, else the first one.
    pub fn default_plan(&self) -> &Plan {
        self.get(Self::DEFAULT_PLAN).unwrap_or(&self.0[0])
    }

    /// The user limit of an account's plan. A plan later removed from the catalogue keeps
    /// nobody out: it is treated as unlimited rather than locking the account.
    pub fn limit_of(&self, name: &str) -> UserLimit {
        self.get(name)
            .map_or(UserLimit::Unlimited, |p| p.user_limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitrix24_plans_by_default() {
        let plans = Plans::default();
        assert_eq!(plans.limit_of("free"), UserLimit::Unlimited);
        assert_eq!(plans.limit_of("basic"), UserLimit::Seats(5));
        assert_eq!(plans.limit_of("standard"), UserLimit::Seats(50));
        assert_eq!(plans.limit_of("professional"), UserLimit::Seats(100));
        assert_eq!(plans.limit_of("enterprise"), UserLimit::Seats(250));
        assert_eq!(plans.default_plan().name, "free");
    }

    #[test]
    fn plans_parse_from_configuration() {
        let plans = Plans::parse("free=0, Basic=5,team=12").unwrap();
        assert_eq!(plans.limit_of("basic"), UserLimit::Seats(5));
        assert_eq!(plans.limit_of("team"), UserLimit::Seats(12));
        assert_eq!(plans.limit_of("free"), UserLimit::Unlimited);
        assert!(Plans::parse("").is_err());
        assert!(Plans::parse("basic").is_err());
        assert!(Plans::parse("basic=x").is_err());
        assert!(Plans::parse("basic=1,basic=2").is_err());
        assert!(Plans::parse("b a=1").is_err());
    }

    #[test]
    fn choosing_an_unknown_plan_lists_the_known_ones() {
        let err = Plans::default().choose("gold").unwrap_err();
        assert_eq!(err.code, "unknown_plan");
        assert!(err.message.contains("basic"));
        assert_eq!(Plans::default().choose(" Basic ").unwrap().name, "basic");
    }
}
