ALTER TABLE officials DROP COLUMN sort_order;
ALTER TABLE officials DROP COLUMN team;
ALTER TABLE accounts DROP COLUMN must_change_password;
ALTER TABLE units DROP COLUMN retired_at;
