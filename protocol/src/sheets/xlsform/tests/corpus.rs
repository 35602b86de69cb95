//! The corpus: one workbook per case, each with the exact problems it must give.

use super::*;
