// Azure resources for one environment, deployed by `teamsapp provision` (arm/deploy); not exercised in this
// repository's CI (no Azure here): tests/infra/azure-bicep.test.ts checks its structure offline.
// - App Service (Linux, Node 22 LTS) with at least two instances: the store and the outbox allow several
//   (outbox claims use FOR UPDATE SKIP LOCKED, migrations run under an advisory lock); health check on /readyz.
// - Azure Database for PostgreSQL flexible server (the store); TLS required.
// - Key Vault holding DATABASE_URL and the Entra app's secret; the web app reads them through its managed identity
//   (Key Vault references, role "Key Vault Secrets User"), so no secret sits in the app settings.
// - The Azure Bot (single tenant, Teams channel) on the same Entra app as the tab, with the OAuth connection that
//   Teams SSO for the bot needs: in TENANT=graph, approving a maker's version acts as the person who clicked
//   (README, "Approvals in a real tenant"). One Entra app, because a Teams app has one webApplicationInfo and the
//   connection's token exchange URL must be that app's identifier URI, api://<tab domain>/botid-<client id>.
@maxLength(20)
@minLength(4)
param resourceBaseName string
param location string = resourceGroup().location
@description('App Service plan SKU; P0v3 or larger runs several instances.')
param sku string = 'P0v3'
@minValue(2)
@description('Instances of the server behind the App Service load balancer.')
param instanceCount int = 2
@description('The Entra app of the tab, the bot and app-only Graph access (aad.manifest.json).')
param aadAppClientId string
@secure()
param aadAppClientSecret string
param aadAppTenantId string
@description('Name of the Azure Bot OAuth connection the bot asks the token service for (BOT_SSO_CONNECTION).')
param botSsoConnectionName string = 'warden-graph'
@description('Audience of Copilot Studio threat-detection webhook tokens (the Entra app registered in Power Platform).')
param webhookAudience string
@description('App ids allowed to call the webhook, comma-separated (the app registered for threat detection).')
param webhookAllowedAppIds string
param postgresAdminLogin string = 'warden'
@secure()
param postgresAdminPassword string
param postgresSku string = 'Standard_B1ms'
param postgresTier string = 'Burstable'

var databaseName = 'warden'
// The web app's own settings cannot read its host name; this is the name App Service gives it.
var publicHost = '${resourceBaseName}.azurewebsites.net'
// Built-in role "Key Vault Secrets User": read secret values.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${resourceBaseName}-pg'
  location: location
  sku: { name: postgresSku, tier: postgresTier }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// The agent search index needs pg_trgm; Azure allows an extension only once it is listed in azure.extensions.
resource postgresExtensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: postgres
  name: 'azure.extensions'
  properties: { value: 'PG_TRGM', source: 'user-override' }
}

// 0.0.0.0 admits connections from Azure services (the App Service's outbound addresses), not the internet.
resource postgresAzureAccess 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${resourceBaseName}-kv'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
  }
}

resource appSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'entra-app-secret'
  properties: { value: aadAppClientSecret }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: { name: sku, capacity: instanceCount }
  properties: { reserved: true }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      alwaysOn: true
      healthCheckPath: '/readyz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appCommandLine: 'node bot/dist/index.js' // compiled by `npm run build` in teamsapp.yml's deploy
      appSettings: [
        { name: 'TENANT', value: 'graph' }
        { name: 'AUTH', value: 'entra' }
        { name: 'PORT', value: '8080' }
        { name: 'PUBLIC_URL', value: 'https://${publicHost}' }
        { name: 'BOT_ID', value: aadAppClientId }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_PASSWORD', value: '@Microsoft.KeyVault(SecretUri=${appSecret.properties.secretUri})' }
        { name: 'BOT_TENANT_ID', value: aadAppTenantId }
        { name: 'BOT_SSO_CONNECTION', value: botSsoConnectionName }
        { name: 'ENTRA_TENANT_ID', value: aadAppTenantId }
        { name: 'ENTRA_CLIENT_ID', value: aadAppClientId }
        { name: 'GRAPH_CLIENT_ID', value: aadAppClientId }
        { name: 'GRAPH_CLIENT_SECRET', value: '@Microsoft.KeyVault(SecretUri=${appSecret.properties.secretUri})' }
        { name: 'WEBHOOK_AUDIENCE', value: webhookAudience }
        { name: 'WEBHOOK_ALLOWED_APP_IDS', value: webhookAllowedAppIds }
        { name: 'WEBHOOK_ISSUER', value: '${environment().authentication.loginEndpoint}${aadAppTenantId}/v2.0,https://sts.windows.net/${aadAppTenantId}/' }
        { name: 'WEBHOOK_JWKS_URL', value: '${environment().authentication.loginEndpoint}${aadAppTenantId}/discovery/v2.0/keys' }
        { name: 'DATABASE_URL', value: '@Microsoft.KeyVault(SecretUri=${databaseUrlSecret.properties.secretUri})' }
        { name: 'PLAYGROUND', value: '0' }
      ]
    }
  }
}

resource webReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, web.id, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: web.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Entra app's identifier URI (aad.manifest.json, from the TAB_DOMAIN output) and Teams' webApplicationInfo.resource.
var ssoResource = 'api://${web.properties.defaultHostName}/botid-${aadAppClientId}'

// The bot's registration. Its messaging endpoint is this web app; its app is the tab's Entra app (single tenant).
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: 'Agent Warden'
    endpoint: 'https://${web.properties.defaultHostName}/api/messages'
    msaAppId: aadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: aadAppTenantId
  }
}

resource botTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: { channelName: 'MsTeamsChannel' }
}

// Teams SSO for the bot: Teams gets the person's token for ssoResource silently and the token service exchanges it
// for a delegated Graph token with these scopes (AppCatalog.ReadWrite.All: review makers' versions as that person).
// The service provider id is the token service's "Azure Active Directory v2" provider.
resource botSsoConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: bot
  name: botSsoConnectionName
  location: 'global'
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
    clientId: aadAppClientId
    clientSecret: aadAppClientSecret
    scopes: 'AppCatalog.ReadWrite.All openid profile offline_access'
    parameters: [
      { key: 'tenantID', value: aadAppTenantId }
      { key: 'tokenExchangeUrl', value: ssoResource }
    ]
  }
}

output AZURE_APP_SERVICE_RESOURCE_ID string = web.id
output TAB_DOMAIN string = web.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${web.properties.defaultHostName}'
output BOT_SSO_CONNECTION string = botSsoConnection.name
