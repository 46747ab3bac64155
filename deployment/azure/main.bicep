// Projektkontoret on Azure: App Service (Linux container) + Azure Bot with the Teams channel +
// Key Vault for the secrets + a user-assigned managed identity that reads them.
// MongoDB is not created here: pass the connection string of MongoDB Atlas or Azure Cosmos DB
// for MongoDB vCore as `mongoDbUri`; it is stored in Key Vault and reaches the app as a
// Key Vault reference. See deployment/README.md for the whole walk-through.
//
//   az deployment group create -g <resource-group> -f deployment/azure/main.bicep \
//     -p deployment/azure/main.bicepparam
targetScope = 'resourceGroup'

@description('Prefix for resource names, e.g. pk-prod. Letters, digits and hyphens.')
@minLength(3)
@maxLength(16)
param namePrefix string = 'projektkontoret'

@description('Azure region for everything except the Azure Bot (which is global).')
param location string = resourceGroup().location

@description('Bot container image, e.g. myregistry.azurecr.io/projektkontoret:0.1.0.')
param containerImage string

@description('Azure Container Registry in this resource group to pull from with the managed identity (AcrPull is granted). Empty for a public registry.')
param containerRegistryName string = ''

@description('How the bot authenticates to the Bot Connector. New Azure Bots are SingleTenant or UserAssignedMSI (MultiTenant creation is deprecated).')
@allowed([
  'SingleTenant'
  'MultiTenant'
  'UserAssignedMSI'
])
param botAppType string = 'SingleTenant'

@description('Client id of the Entra app registration (MicrosoftAppId). Not used with UserAssignedMSI: then the managed identity created here is the bot identity.')
param botAppId string = ''

@secure()
@description('Client secret of the app registration (MicrosoftAppPassword). Stored in Key Vault. Not used with UserAssignedMSI.')
param botAppPassword string = ''

@description('Tenant of the app registration (MicrosoftAppTenantId).')
param botTenantId string = tenant().tenantId

@secure()
@description('MongoDB connection string: mongodb+srv://... (Atlas) or the Cosmos DB for MongoDB vCore string. Stored in Key Vault.')
param mongoDbUri string

@description('MongoDB database name (MONGODB_DB).')
param mongoDbName string = 'projektkontoret'

@description('Comma-separated tenant ids whose activities the bot accepts (ALLOWED_TENANTS).')
param allowedTenants string = tenant().tenantId

@description('Comma-separated Entra object ids of project-office admins (BOT_ADMINS).')
param botAdmins string = ''

@description('Optional path of a JSON seed inside the image (SEED_FILE): deployment/seed/production-seed.json has the five Stockholm portfolios and no people; empty = create portfolios with `hantera portföljer`.')
param seedFile string = ''

@description('Log level (LOG_LEVEL).')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

@description('Use Microsoft Graph for prefilling applicant data and reviewer rosters (GRAPH_ENABLED); needs the Graph application permissions in the guide.')
param graphEnabled bool = true

@description('Custom host name the bot is reached on (already bound to the web app), e.g. projektkontoret.kommun.se. Empty: <app>.azurewebsites.net.')
param customHostName string = ''

@description('App Service plan SKU (Linux). P0v3 or larger for production; B1 for a trial.')
param appServiceSku string = 'P0v3'

@description('Number of bot instances; the bot is stateless and shares MongoDB.')
@minValue(1)
param instanceCount int = 1

@description('Azure Bot pricing tier. F0 is free with a message cap; Teams messages are not metered.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Display name of the bot in Azure.')
param botDisplayName string = 'Projektkontoret'

@description('Optional Entra object id (user or group) that may read and rotate the secrets (Key Vault Secrets Officer).')
param secretsOfficerObjectId string = ''

param tags object = {}

var suffix = uniqueString(resourceGroup().id, namePrefix)
var siteName = '${namePrefix}-${suffix}'
var keyVaultName = take('${replace(namePrefix, '-', '')}kv${suffix}', 24)
var useMsi = botAppType == 'UserAssignedMSI'
var publicBaseUrl = empty(customHostName)
  ? 'https://${siteName}.azurewebsites.net'
  : 'https://${customHostName}'
var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id'
  location: location
  tags: tags
}

var effectiveAppId = useMsi ? identity.properties.clientId : botAppId

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource mongoSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongodb-uri'
  properties: {
    value: mongoDbUri
    contentType: 'MongoDB connection string'
  }
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!useMsi) {
  parent: vault
  name: 'microsoft-app-password'
  properties: {
    value: botAppPassword
    contentType: 'Bot app registration client secret'
  }
}

resource identityReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource officerManagesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerObjectId)) {
  name: guid(vault.id, secretsOfficerObjectId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: secretsOfficerObjectId
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (!empty(containerRegistryName)) {
  name: containerRegistryName
}

resource identityPullsImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(containerRegistryName)) {
  name: guid(resourceGroup().id, containerRegistryName, identity.id, roles.acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: siteName
  location: location
  tags: tags
  kind: 'app,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      acrUseManagedIdentityCreds: !empty(containerRegistryName)
      acrUserManagedIdentityID: empty(containerRegistryName) ? null : identity.properties.clientId
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'WEBSITES_PORT', value: '3978' }
        { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'false' }
        { name: 'PORT', value: '3978' }
        { name: 'NODE_ENV', value: 'production' }
        { name: 'LOCAL_MODE', value: 'false' }
        { name: 'MicrosoftAppId', value: effectiveAppId }
        {
          name: 'MicrosoftAppPassword'
          value: useMsi ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=microsoft-app-password)'
        }
        { name: 'MicrosoftAppType', value: botAppType }
        { name: 'MicrosoftAppTenantId', value: botTenantId }
        { name: 'MONGODB_URI', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${mongoSecret.name})' }
        { name: 'MONGODB_DB', value: mongoDbName }
        { name: 'ALLOWED_TENANTS', value: allowedTenants }
        { name: 'BOT_ADMINS', value: botAdmins }
        { name: 'SEED_FILE', value: seedFile }
        { name: 'LOG_LEVEL', value: logLevel }
        { name: 'PUBLIC_BASE_URL', value: publicBaseUrl }
        { name: 'GRAPH_ENABLED', value: graphEnabled ? 'true' : 'false' }
      ]
    }
  }
  dependsOn: [
    identityReadsSecrets
    identityPullsImages
    passwordSecret
  ]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-bot-${suffix}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${publicBaseUrl}/api/messages'
    msaAppId: effectiveAppId
    msaAppType: botAppType
    msaAppTenantId: botAppType == 'MultiTenant' ? '' : botTenantId
    msaAppMSIResourceId: useMsi ? identity.id : ''
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('Messaging endpoint registered on the Azure Bot.')
output messagingEndpoint string = '${publicBaseUrl}/api/messages'

@description('The id to put in the Teams app package: MicrosoftAppId=<this> npm run package:teams.')
output microsoftAppId string = effectiveAppId

@description('Public base URL (PUBLIC_BASE_URL) for the Teams package validDomains.')
output publicBaseUrl string = publicBaseUrl

output webAppName string = site.name
output keyVaultName string = vault.name
output managedIdentityClientId string = identity.properties.clientId
output managedIdentityPrincipalId string = identity.properties.principalId
