// Every card rendered in tests is cross-checked against adaptivecards-templating (cards/render.ts).
process.env.PK_CHECK_TEMPLATES = '1';
