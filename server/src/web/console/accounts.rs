//! Accounts in the console.
