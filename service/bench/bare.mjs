// The baseline: Express hello-world with no middleware, answering JSON like our example route.
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ message: 'hello world' });
});
const server = app.listen(Number(process.env.APP_PORT), '127.0.0.1', () => {
  process.send?.({ port: server.address().port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
