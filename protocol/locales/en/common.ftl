# Words used across the product.

common-language-name = English
common-field-and-message = { $field }: { $message }

## Units and accounts

common-unit-county = county
common-unit-township = township
common-unit-department = county department
common-unit-village = village
common-unit-community = community
common-username-length = a username has 3 to 64 characters
common-username-start = a username starts with a lowercase letter
common-username-characters = a username has only lowercase letters, digits, '.', '_' and '-'
common-password-too-short = a password has at least 10 characters
common-password-too-long = a password has at most 128 characters
