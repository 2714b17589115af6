-- A statement line's suggestions are stored as json (the text, checked to be valid JSON)
-- rather than jsonb (a parsed tree). They are only ever written and read back whole, never
-- queried inside; turning ~800 bytes of JSON into jsonb on every import and every "match
-- again", and back into text on every read, was a third of the time of storing an imported
-- statement's lines (measured on 20,000 lines of `npm run bench:match`: 0.72 s as json against
-- 0.92–1.10 s as jsonb for the same insert, and a third of the time to read them back).
alter table bank_statement_lines alter column suggestions type json using suggestions::json;
