//! Rule 4 under concurrency: the seat limit is exact however many requests race.

mod limit;
mod races;
