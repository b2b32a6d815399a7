ALTER TABLE "capacity_history" ADD COLUMN "session_places" integer;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "capacity_session_places" integer;--> statement-breakpoint
-- Signpost's default social prescribing taxonomy (stable codes; admins may edit names and add terms).
INSERT INTO "taxonomy_terms" ("code", "name", "description") VALUES
  ('advice', 'Advice', 'Information and advice on money, housing and the law'),
  ('physical_activity', 'Physical activity', 'Walking, sport, exercise and movement groups'),
  ('arts_and_culture', 'Arts and culture', 'Creative, music, heritage and cultural activities'),
  ('nature_and_green_space', 'Nature and green space', 'Gardening, conservation and time outdoors'),
  ('befriending_and_social_connection', 'Befriending and social connection', 'Befriending, peer support, clubs and social groups'),
  ('mental_wellbeing', 'Mental wellbeing', 'Support for emotional and mental wellbeing'),
  ('carers', 'Carers', 'Support for unpaid carers'),
  ('food', 'Food', 'Food banks, community meals and cooking'),
  ('employment_learning_and_volunteering', 'Employment, learning and volunteering', 'Work, skills, courses and volunteering'),
  ('practical_support', 'Practical support', 'Help at home, transport, digital and other practical help')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "taxonomy_terms" ("code", "name", "description", "parent_id")
SELECT v.code, v.name, v.description, p.id
FROM (VALUES
  ('advice.benefits', 'Benefits advice', 'Welfare benefits checks, claims and appeals'),
  ('advice.debt', 'Debt advice', 'Debt, budgeting and money management'),
  ('advice.housing', 'Housing advice', 'Housing, tenancy and homelessness advice'),
  ('advice.legal', 'Legal advice', 'Legal advice and advocacy')
) AS v(code, name, description)
JOIN "taxonomy_terms" p ON p.code = 'advice' AND p.taxonomy = 'signpost-social-prescribing'
ON CONFLICT DO NOTHING;
