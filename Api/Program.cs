using Api.Hosting;
using Grains.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEmbeddedPredictionApi();

var app = builder.Build();
app.MapPredictionApi();
return await StartupGuard.RunAsync(app);

/// <summary>Entry point; public so functional tests can start the API through WebApplicationFactory.</summary>
public partial class Program;
