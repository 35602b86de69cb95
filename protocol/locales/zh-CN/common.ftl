# Words used across the product.

common-language-name = 简体中文
common-field-and-message = { $field }:{ $message }

## Units and accounts

common-unit-county = 县
common-unit-township = 乡镇
common-unit-department = 县直部门
common-unit-village = 村
common-unit-community = 社区
common-username-length = 用户名应为3到64个字符。
common-username-start = 用户名须以小写字母开头。
common-username-characters = 用户名只能包含小写字母、数字和“.”“_”“-”三种符号。
common-password-too-short = 密码至少要有10个字符。
common-password-too-long = 密码最多128个字符。
