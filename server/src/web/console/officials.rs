//! Officials in the console.
