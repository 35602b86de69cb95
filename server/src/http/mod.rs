//! What the JSON API (`routes`) and the pages (`web`) share, and nothing else: the application
//! state, the request extractors, the client's address and language, and the one place where
//! an error becomes an HTTP answer.

pub mod error;
pub mod export;
pub mod extract;
pub mod limits;
pub mod metrics;
pub mod ratelimit;
pub mod request;
pub mod state;
pub mod storable;

pub use error::ApiError;
pub use extract::ApiJson;
pub use state::AppState;
