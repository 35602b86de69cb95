# Words used across the product.

common-language-name = English
common-field-and-message = { $field }: { $message }
