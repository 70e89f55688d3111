//! What every list shares: pages keyed by id, newest first, and case-insensitive search text.

/// One page of a list, newest first, and the id to continue after.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next_after: Option<C>,
}

/// Where a page starts and how long it is (the HTTP layer bounds `limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<C> {
    pub after: Option<C>,
    pub limit: u32,
}

impl<C> PageRequest<C> {
    /// Rows to read: one more than the page holds, which only says there is more.
    pub(crate) fn rows(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// A search's words, trimmed; none when there is nothing to look for.
pub(crate) fn search_text(q: Option<&str>) -> Option<&str> {
    q.map(str::trim).filter(|q| !q.is_empty())
}

/// Builds a page from up to `limit + 1` rows: the extra row only says there is more.
pub(crate) fn into_page<T, C>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> C) -> Page<T, C> {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_after = if more { rows.last().map(key) } else { None };
    Page {
        items: rows,
        next_after,
    }
}

diesel::define_sql_function!(
    /// SQL `lower()`, for searches that ignore case on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// `lower(column) LIKE p` for any of `patterns` (made by [`like_pattern`]), as one boxed
/// condition on `table` (`1 = 0` when there are none): the rows holding any of several texts.
macro_rules! like_any {
    ($table:ty, $column:expr, $patterns:expr) => {{
        use diesel::prelude::*;
        let mut condition: Box<
            dyn diesel::expression::BoxableExpression<
                $table,
                <$crate::base::db::DbConnection as diesel::Connection>::Backend,
                SqlType = diesel::sql_types::Bool,
            >,
        > = Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
        for pattern in $patterns {
            condition = Box::new(
                condition.or($crate::base::page::lower($column)
                    .like(pattern)
                    .escape('\\')),
            );
        }
        condition
    }};
}
pub(crate) use like_any;

/// A `LIKE` pattern finding `q` anywhere, any case: `%`, `_` and `\` are escaped so that the
/// search text matches itself only.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_matches_itself_only() {
        assert_eq!(like_pattern("Ann"), "%ann%");
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn the_extra_row_only_says_there_is_more() {
        let page = into_page(vec![5, 4, 3], 2, |n| *n);
        assert_eq!((page.items, page.next_after), (vec![5, 4], Some(4)));
        let page = into_page(vec![5, 4], 2, |n| *n);
        assert_eq!(page.next_after, None);
    }
}
