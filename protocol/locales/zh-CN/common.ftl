# Words used across the product.

common-language-name = 简体中文
common-field-and-message = { $field }:{ $message }
