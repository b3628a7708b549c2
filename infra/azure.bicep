// Azure resources for one environment, deployed by `teamsapp provision` (arm/deploy); not exercised in this
// repository's CI (no Azure here): tests/infra/azure-bicep.test.ts checks its structure offline.
// - App Service (Linux, Node 22 LTS) with at least two instances: the store and the outbox allow several
//   (outbox claims use FOR UPDATE SKIP LOCKED, migrations run under an advisory lock); health check on /readyz.
// - Azure Database for PostgreSQL flexible server (the store); TLS required.
// - Key Vault holding DATABASE_URL and the bot's secret; the web app reads them through its managed identity
//   (Key Vault references, role "Key Vault Secrets User"), so no secret sits in the app settings.
@maxLength(20)
@minLength(4)
param resourceBaseName string
param location string = resourceGroup().location
@description('App Service plan SKU; P0v3 or larger runs several instances.')
param sku string = 'P0v3'
@minValue(2)
@description('Instances of the server behind the App Service load balancer.')
param instanceCount int = 2
param botAadAppClientId string
@secure()
param botAadAppClientSecret string
param aadAppClientId string
param aadAppTenantId string
param postgresAdminLogin string = 'warden'
@secure()
param postgresAdminPassword string
param postgresSku string = 'Standard_B1ms'
param postgresTier string = 'Burstable'

var databaseName = 'warden'
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

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-password'
  properties: { value: botAadAppClientSecret }
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
        { name: 'PUBLIC_URL', value: 'https://${resourceBaseName}.azurewebsites.net' }
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})' }
        { name: 'BOT_TENANT_ID', value: aadAppTenantId }
        { name: 'ENTRA_TENANT_ID', value: aadAppTenantId }
        { name: 'ENTRA_CLIENT_ID', value: aadAppClientId }
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

output AZURE_APP_SERVICE_RESOURCE_ID string = web.id
output TAB_DOMAIN string = web.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${web.properties.defaultHostName}'
