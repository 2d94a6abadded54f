import { runService } from '@maillage/service';
import { service } from './server';

runService(service).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
