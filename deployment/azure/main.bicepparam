// Example parameters. Secrets are read from the environment of the shell that deploys, so they
// never land in a file:  export MicrosoftAppPassword=... MONGODB_URI=...
using './main.bicep'

param namePrefix = 'pk-prod'
param containerImage = 'myregistry.azurecr.io/projektkontoret:0.1.0'
param containerRegistryName = 'myregistry'
param botAppType = 'SingleTenant'
param botAppId = readEnvironmentVariable('MicrosoftAppId', '')
param botAppPassword = readEnvironmentVariable('MicrosoftAppPassword', '')
param mongoDbUri = readEnvironmentVariable('MONGODB_URI')
param mongoDbName = 'projektkontoret'
param botAdmins = ''
// The five Stockholm portfolios on day one (no people); '' = create them with `hantera portföljer`.
param seedFile = 'deployment/seed/production-seed.json'
param graphEnabled = true
